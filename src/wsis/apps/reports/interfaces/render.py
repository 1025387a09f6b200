"""A report document in each format: HTML (the site's page, or a standalone file), PDF (WeasyPrint: A4,
United Nations document style, footnotes at the foot of the page, tagged for accessibility as PDF/UA-1),
DOCX (python-docx: the secretariat edits in Word), and the JSON and CSV of its figures."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext

from wsis.apps.reports.domain.document import figures_csv, figures_json
from wsis.apps.reports.enums import DJANGO_LANGUAGE, ReportKind

FORMATS = ("html", "pdf", "docx", "json", "csv")


def _kind_label(doc: dict[str, Any]) -> str:
    return str(ReportKind(doc["kind"]).label)


def _running_head(doc: dict[str, Any]) -> str:
    # UN documents carry their symbol on every page; without one, the kind, subject and year.
    head = doc.get("symbol") or " ".join(p for p in (_kind_label(doc), doc["subject"], str(doc["year"])) if p)
    return "".join(c for c in head if c not in '"\\')


def _context(doc: dict[str, Any], *, pdf: bool, show_edits: bool) -> dict[str, Any]:
    return {
        "doc": doc,
        "doc_lang": DJANGO_LANGUAGE[doc["language"]],
        "kind_label": _kind_label(doc),
        "pdf": pdf,
        "show_edits": show_edits,
        "base_url": settings.WSIS_PUBLIC_URL.rstrip("/") if pdf else "",
        # The running head: kind, subject and year (the title is too long for it).
        "header_text": _running_head(doc),
    }


def html(doc: dict[str, Any], *, show_edits: bool = False) -> str:
    """A standalone HTML file of the report (the PDF's markup with the notes as a list)."""
    with translation.override(DJANGO_LANGUAGE[doc["language"]]):
        page = render_to_string("reports/report_pdf.html", _context(doc, pdf=False, show_edits=show_edits))
    return page


def pdf(doc: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    with translation.override(DJANGO_LANGUAGE[doc["language"]]):
        markup = render_to_string("reports/report_pdf.html", _context(doc, pdf=True, show_edits=False))
    return HTML(string=markup, base_url=settings.WSIS_PUBLIC_URL).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True, uncompressed_pdf=False
    )


def docx(doc: dict[str, Any]) -> bytes:
    """A Word document with the same paragraphs, numbered as in the report, and the notes at the end."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rtl = doc["direction"] == "rtl"
    out = Document()
    section = out.sections[0]
    section.page_height, section.page_width = 10692000, 7560000  # A4 in EMU
    style = out.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(10)
    out.core_properties.title = doc["title"]
    out.core_properties.language = DJANGO_LANGUAGE[doc["language"]]

    def mark_rtl(paragraph) -> None:
        if rtl:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            properties = paragraph._p.get_or_add_pPr()
            bidi = properties.makeelement(qn("w:bidi"), {})
            properties.append(bidi)
            for run in paragraph.runs:
                run_properties = run._r.get_or_add_rPr()
                run_properties.append(run_properties.makeelement(qn("w:rtl"), {}))

    with translation.override(DJANGO_LANGUAGE[doc["language"]]):
        if doc.get("symbol"):
            # The symbol heads the first page, at the outer margin, as on UN documents.
            symbol = out.add_paragraph()
            symbol.add_run(doc["symbol"]).bold = True
            symbol.alignment = WD_ALIGN_PARAGRAPH.LEFT if rtl else WD_ALIGN_PARAGRAPH.RIGHT
            section.header.paragraphs[0].text = doc["symbol"]
        mark_rtl(out.add_paragraph(_kind_label(doc)))
        mark_rtl(out.add_heading(doc["title"], level=0))
        for s in doc["sections"]:
            mark_rtl(out.add_heading(f"{s['number']}. {s['title']}" if s["number"] else s["title"], level=1))
            for p in s["paragraphs"]:
                paragraph = out.add_paragraph()
                if p["number"]:
                    paragraph.add_run(f"{p['number']}.\t")
                for part in p["parts"]:
                    if "note" in part:
                        run = paragraph.add_run(str(part["note"]))
                        run.font.superscript = True
                    else:
                        paragraph.add_run(part["text"])
                mark_rtl(paragraph)
                for link in (p["excerpt"] or {}).get("links", []):
                    mark_rtl(
                        out.add_paragraph(
                            f"{link['title']} {settings.WSIS_PUBLIC_URL.rstrip('/')}{link['url']}"
                        )
                    )
                if p["excerpt"] and "contribution" in p["excerpt"]:
                    quote = out.add_paragraph(p["excerpt"]["text"], style="Quote")
                    if p["excerpt"]["direction"] == "rtl":
                        mark_rtl(quote)
                    excerpt = p["excerpt"]
                    words = {
                        w: pgettext("report", w)
                        for w in ("Source:", "contribution", "question", "original language")
                    }
                    cite = out.add_paragraph(
                        f"{words['Source:']} {excerpt['organization']}, {words['contribution']}, "
                        f"{words['question']} {excerpt['question']} ({words['original language']}: "
                        f"{excerpt['language_name']}) {settings.WSIS_PUBLIC_URL.rstrip('/')}{excerpt['url']}"
                    )
                    mark_rtl(cite)
        if doc["footnotes"]:
            mark_rtl(out.add_heading(pgettext("report", "Notes"), level=1))
            for n in doc["footnotes"]:
                note = out.add_paragraph(f"{n['number']}. {n['text']}")
                note.runs[0].font.size = Pt(8)
                mark_rtl(note)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def render(doc: dict[str, Any], fmt: str) -> bytes:
    """The report in ``fmt`` (one of :data:`FORMATS`) as bytes."""
    if fmt == "html":
        return html(doc).encode()
    if fmt == "pdf":
        return pdf(doc)
    if fmt == "docx":
        return docx(doc)
    if fmt == "json":
        return figures_json(doc).encode()
    if fmt == "csv":
        return figures_csv(doc).encode()
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
