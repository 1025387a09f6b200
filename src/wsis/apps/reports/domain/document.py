"""A report as one document - sections, numbered paragraphs, footnotes, figures - that every format
renders: HTML on the site, PDF (WeasyPrint), DOCX (python-docx), JSON and CSV of the figures.

Paragraph texts cite their figures with markers ``[^k]`` (the paragraph's k-th figure); here they become
the report's footnote numbers, counted from the start of the report, one footnote per figure cited.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from wsis.apps.reports.enums import DJANGO_LANGUAGE, ReportKind
from wsis.apps.reports.models import Report

MARKER = re.compile(r"\[\^(\d+)\]")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def markers(text: str) -> list[int]:
    return [int(m) for m in MARKER.findall(text)]


def footnote_text(figure: dict[str, Any]) -> str:
    """What a figure's footnote says: its source, release and method (and year), in the active language."""
    text = pgettext("report", "Source: %(source)s. Release: %(release)s. Method: %(method)s.") % {
        "source": figure["source"],
        "release": figure["release"],
        "method": figure["method"],
    }
    if figure.get("year"):
        glue = "" if (translation.get_language() or "").startswith("zh") else " "
        text += glue + pgettext("report", "Figure for %(year)s.") % {"year": figure["year"]}
    return text


def _title(report: Report) -> str:
    if report.kind == ReportKind.ANNUAL:
        from wsis.apps.reports.domain.annual import title

        return title(report.year)
    from wsis.apps.reports.domain.subjects import title

    return title(report.kind, report.year, report.subject)


def _section_titles(report: Report) -> dict[str, str]:
    if report.kind == ReportKind.ANNUAL:
        from wsis.apps.reports.domain.annual import section_titles

        return section_titles()
    from wsis.apps.reports.domain.subjects import section_titles

    return section_titles()


def document(report: Report, *, live: bool = False) -> dict[str, Any]:
    """The report as plain data. A frozen report's is the one kept when it was frozen, unless ``live``."""
    if report.final is not None and not live:
        # The symbol may be given between freezing and publishing: it is read from the report.
        return {**report.final, "symbol": report.symbol}
    with translation.override(DJANGO_LANGUAGE[report.language]):
        titles = _section_titles(report)
        sections: list[dict[str, Any]] = []
        footnotes: list[dict[str, Any]] = []
        number = 0
        for p in report.paragraphs.order_by("position"):
            if not sections or sections[-1]["key"] != p.section:
                numbered = [s for s in sections if s["key"] != "summary"]
                roman = "" if p.section == "summary" else ROMAN[min(len(numbered), len(ROMAN) - 1)]
                sections.append(
                    {
                        "key": p.section,
                        "number": roman,
                        "title": titles.get(p.section, p.section),
                        "paragraphs": [],
                    }
                )
            local: dict[int, int] = {}
            for k in markers(p.text):
                if k not in local and 1 <= k <= len(p.figures):
                    figure = p.figures[k - 1]
                    footnotes.append(
                        {
                            "number": len(footnotes) + 1,
                            "text": footnote_text(figure),
                            "figure": figure,
                            "paragraph": p.key,
                        }
                    )
                    local[k] = len(footnotes)
            if p.numbered:
                number += 1
            sections[-1]["paragraphs"].append(
                {
                    "key": p.key,
                    "number": number if p.numbered else None,
                    "text": p.text,
                    "parts": _parts(p.text, local),
                    "edited": p.edited,
                    "excerpt": p.excerpt,
                }
            )
        texts = {n["number"]: n["text"] for n in footnotes}
        for section in sections:
            for paragraph in section["paragraphs"]:
                for part in paragraph["parts"]:
                    if "note" in part:
                        part["note_text"] = texts[part["note"]]
                if paragraph["excerpt"] and "contribution" in paragraph["excerpt"]:  # not cited links
                    paragraph["excerpt"] = _cited(paragraph["excerpt"], report.language)
        return {
            "kind": report.kind,
            "year": report.year,
            "subject": report.subject,
            "language": report.language,
            "html_language": DJANGO_LANGUAGE[report.language],
            "direction": "rtl" if report.language == "ar" else "ltr",
            "title": _title(report),
            "symbol": report.symbol,
            "state": report.state,
            "publication": report.publication_token,
            "generated_at": report.generated_at.isoformat() if report.generated_at else None,
            "sections": sections,
            "footnotes": footnotes,
        }


def _parts(text: str, local: dict[int, int]) -> list[dict[str, Any]]:
    """The text split into plain runs and footnote calls: [{"text": ...}, {"note": 3}, ...]."""
    out: list[dict[str, Any]] = []
    position = 0
    for m in MARKER.finditer(text):
        if m.start() > position:
            out.append({"text": text[position : m.start()]})
        if (k := int(m.group(1))) in local:
            out.append({"note": local[k]})
        position = m.end()
    if position < len(text):
        out.append({"text": text[position:]})
    return out


def _cited(excerpt: dict[str, Any], language: str) -> dict[str, Any]:
    """An excerpt with the link to its contribution and the name of its language in the report's."""
    from babel import Locale

    from wsis.apps.public.templatetags.public_format import babel_locale

    code = excerpt["language"]
    name = Locale.parse("zh_Hans" if code == "zh" else code).get_display_name(
        babel_locale(DJANGO_LANGUAGE[language])
    )
    return {
        **excerpt,
        "url": contribution_url(excerpt["contribution"], language),
        "language_name": name,
        "html_language": DJANGO_LANGUAGE.get(code, code),
        "direction": "rtl" if code == "ar" else "ltr",
    }


def contribution_url(public_id: str, language: str) -> str:
    with translation.override(DJANGO_LANGUAGE[language]):
        return reverse("reports:contribution", args=[public_id])


def figures_json(doc: dict[str, Any]) -> str:
    """Every figure of the report with its footnote: what ``--format json`` gives."""
    return json.dumps(
        {
            "title": doc["title"],
            "kind": doc["kind"],
            "year": doc["year"],
            "subject": doc["subject"],
            "language": doc["language"],
            "publication": doc["publication"],
            "figures": [
                {
                    **n["figure"],
                    "footnote": n["number"],
                    "footnote_text": n["text"],
                    "paragraph": n["paragraph"],
                }
                for n in doc["footnotes"]
            ],
            "paragraphs": [
                {
                    "number": p["number"],
                    "key": p["key"],
                    "text": p["text"],
                    "edited": p["edited"],
                    "excerpt": p["excerpt"],
                }
                for s in doc["sections"]
                for p in s["paragraphs"]
            ],
        },
        ensure_ascii=False,
        indent=1,
    )


def figures_csv(doc: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "footnote",
            "paragraph",
            "key",
            "label",
            "value",
            "unit",
            "year",
            "source",
            "release",
            "method",
            "computation",
        ]
    )
    for n in doc["footnotes"]:
        f = n["figure"]
        writer.writerow(
            [
                n["number"],
                n["paragraph"],
                f["key"],
                f["label"],
                repr(f["value"]),
                f["unit"],
                f["year"] or "",
                f["source"],
                f["release"],
                f["method"],
                f["computation"] or "",
            ]
        )
    return out.getvalue()
