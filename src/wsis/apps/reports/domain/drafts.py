"""A report's life: generate (or regenerate) its paragraphs from the data, edit them, keep versions with a
diff between them, send the draft for review, freeze it and publish it.

Generated paragraphs follow the data at every regeneration; an edited paragraph keeps its text (and the
footnotes its markers point at) when the data change. A frozen report changes no more; a published one
is on the site in HTML, PDF and DOCX, with the JSON and CSV of its figures.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wsis.apps.publishing.domain import current
from wsis.apps.reports.domain import EditConflict, ReportsError
from wsis.apps.reports.domain.writing import Draft
from wsis.apps.reports.enums import LANGUAGES, ReportKind, ReportState
from wsis.apps.reports.models import Paragraph, Report, ReportVersion


def builder(kind: str) -> Callable[[int, str, str], list[Draft]]:
    """The function that writes a report of ``kind``: (year, subject, language) -> paragraphs."""
    if kind == ReportKind.ANNUAL:
        from wsis.apps.reports.domain import annual

        return lambda year, subject, language: annual.build(year, language)
    from wsis.apps.reports.domain import subjects

    if kind == ReportKind.COUNTRY:
        return subjects.build_country
    if kind == ReportKind.ACTION_LINE:
        return subjects.build_action_line
    raise ReportsError(f"unknown report kind {kind!r} (known: {', '.join(ReportKind.values)})")


def snapshot(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "key": p.key,
            "section": p.section,
            "text": p.text,
            "edited": p.edited,
            "figures": p.figures,
            "excerpt": p.excerpt,
            "numbered": p.numbered,
        }
        for p in report.paragraphs.order_by("position")
    ]


def _version(report: Report, note: str, by=None) -> ReportVersion | None:
    """A new version when the paragraphs differ from the last one's (so regenerating from the same data
    state makes none)."""
    state = snapshot(report)
    last = report.versions.order_by("-number").first()
    if last is not None and last.snapshot == state:
        return None
    return ReportVersion.objects.create(
        report=report, number=(last.number + 1) if last else 1, note=note, snapshot=state, author=by
    )


def generate(*, kind: str, year: int, language: str = "en", subject: str = "", by=None) -> Report:
    """Write (or rewrite) the draft from the data: generated paragraphs follow the data, edited ones keep
    their text. Refused for a frozen or published report, an unknown language, and a year or subject
    without data - in which case nothing is stored."""
    if language not in LANGUAGES:
        raise ReportsError(f"language {language!r}: one of {', '.join(LANGUAGES)}")
    existing = Report.objects.filter(kind=kind, year=year, subject=subject, language=language).first()
    if existing is not None and existing.state in (ReportState.FROZEN, ReportState.PUBLISHED):
        raise ReportsError(f"the {year} report is {existing.state}: it is no longer regenerated")
    drafts = builder(kind)(year, subject, language)  # raises before anything is stored
    publication = current.current()
    with transaction.atomic():
        report, _ = Report.objects.get_or_create(kind=kind, year=year, subject=subject, language=language)
        old = {p.key: p for p in report.paragraphs.all()}
        keep: set[str] = set()
        # Positions in steps of 10: an edited paragraph whose key is gone stays near where it was.
        for index, d in enumerate(drafts):
            figures = [f.to_json() for f in d.figures]
            found = old.get(d.key)
            position = (index + 1) * 10
            if found is None:
                Paragraph.objects.create(
                    report=report,
                    key=d.key,
                    section=d.section,
                    position=position,
                    numbered=d.numbered,
                    generated=d.text,
                    text=d.text,
                    figures=figures,
                    excerpt=d.excerpt,
                )
            else:
                found.position, found.section, found.numbered = position, d.section, d.numbered
                found.generated, found.excerpt = d.text, d.excerpt
                if not found.edited:
                    if found.text != d.text:
                        found.revision += 1  # an editor's page based on the old text is now stale
                    found.text, found.figures = d.text, figures
                found.save()
            keep.add(d.key)
        for key, paragraph in old.items():
            if key not in keep and not paragraph.edited:
                paragraph.delete()
        report.publication = publication
        report.publication_token = current.token()
        report.generated_at = timezone.now()
        report.save()
        _version(report, "generated from the current publication", by)
    return report


def edit(*, report: Report, key: str, text: str, by, based_on: int | None = None) -> Paragraph:
    """Replace a paragraph's text; it is marked edited and keeps its text at the next regeneration.
    Footnote markers ``[^k]`` must point at the paragraph's figures.

    ``based_on`` is the paragraph's revision the editor started from (the pages always send it): when
    someone changed the paragraph since, the edit is refused with :class:`EditConflict` carrying both
    texts, and nothing is stored. The check and the write are one conditional UPDATE, so of two editors
    saving at the same instant on SQLite or PostgreSQL exactly one wins and the other is told."""
    if report.state in (ReportState.FROZEN, ReportState.PUBLISHED):
        raise ReportsError(f"the report is {report.state}: it can no longer be edited")
    paragraph = report.paragraphs.filter(key=key).first()
    if paragraph is None:
        raise ReportsError(f"no paragraph {key!r} in this report")
    text = text.strip()
    if not text:
        raise ReportsError("a paragraph cannot be empty (regenerate to restore the generated text)")
    from wsis.apps.reports.domain.document import markers

    if bad := [m for m in markers(text) if not 1 <= m <= len(paragraph.figures)]:
        raise ReportsError(
            f"footnote markers {', '.join(f'[^{m}]' for m in bad)} point at no figure of this paragraph "
            f"(it has {len(paragraph.figures)})"
        )
    with transaction.atomic():
        base = paragraph.revision if based_on is None else based_on
        changed = Paragraph.objects.filter(pk=paragraph.pk, revision=base).update(
            text=text, edited=True, edited_by=by, revision=F("revision") + 1
        )
        if not changed:
            paragraph.refresh_from_db()
            raise conflict(paragraph, yours=text, based_on=base)
        paragraph.refresh_from_db()
        _version(report, f"paragraph {key} edited", by)
    return paragraph


def conflict(paragraph: Paragraph, *, yours: str, based_on: int) -> EditConflict:
    who = paragraph.edited_by.get_username() if paragraph.edited_by else ""
    return EditConflict(
        f"Paragraph {paragraph.key} changed since you opened it (your edit was based on revision "
        f"{based_on}; it is now at revision {paragraph.revision}"
        + (f", saved by {who}" if who else ", regenerated from the data")
        + "). Your text was not saved: compare both texts below and save again.",
        theirs=paragraph.text,
        yours=yours,
        revision=paragraph.revision,
        by=who,
    )


def revert(*, report: Report, key: str, by) -> Paragraph:
    """Give a paragraph back to the data: its generated text, following the data again."""
    paragraph = report.paragraphs.get(key=key)
    if report.state in (ReportState.FROZEN, ReportState.PUBLISHED):
        raise ReportsError(f"the report is {report.state}: it can no longer be edited")
    with transaction.atomic():
        if paragraph.text != paragraph.generated:
            paragraph.revision += 1
        paragraph.text, paragraph.edited, paragraph.edited_by = paragraph.generated, False, None
        paragraph.save()
        _version(report, f"paragraph {key} back to the generated text", by)
    return paragraph


def diff(report: Report, old: int, new: int) -> str:
    """A unified diff between two versions' paragraphs (one line per paragraph, keyed)."""
    versions = {v.number: v for v in report.versions.filter(number__in=[old, new])}
    if old not in versions or new not in versions:
        raise ReportsError(f"versions {old} and {new}: the report has 1 to {report.versions.count()}")

    def lines(v: ReportVersion) -> list[str]:
        return [f"{p['key']}{' (edited)' if p['edited'] else ''}: {p['text']}\n" for p in v.snapshot]

    return "".join(
        difflib.unified_diff(lines(versions[old]), lines(versions[new]), f"version {old}", f"version {new}")
    )


#: A UN document symbol: series symbols joined by a dash, each a body and its parts separated by slashes
#: (``A/81/65-E/2026/11``, ``E/CN.16/2026/2``, ``A/RES/70/125``). The en dash of printed symbols is kept.
SYMBOL_PART = r"[A-Z]{1,6}(?:/[A-Z0-9][A-Za-z0-9.]{0,15}){1,5}"
SYMBOL = re.compile(rf"{SYMBOL_PART}(?:[-–]{SYMBOL_PART}){{0,3}}")


def set_symbol(*, report: Report, symbol: str, by) -> Report:
    """Give the report its UN document symbol (empty to remove it), until it is published."""
    symbol = symbol.strip()
    if report.state == ReportState.PUBLISHED:
        raise ReportsError("the report is published: its document symbol can no longer change")
    if symbol and not SYMBOL.fullmatch(symbol):
        raise ReportsError(
            f"document symbol {symbol!r}: expected a UN symbol such as A/81/65-E/2026/11 (series in "
            "capitals, "
            "parts separated by slashes, two series joined by a dash)"
        )
    report.symbol = symbol
    report.save(update_fields=["symbol"])
    return report


def to_review(*, report: Report, by) -> Report:
    if report.state != ReportState.DRAFT:
        raise ReportsError(f"only a draft goes to review (this report is {report.state})")
    report.state = ReportState.REVIEW
    report.save(update_fields=["state"])
    _version(report, "sent for review", by)
    return report


def back_to_draft(*, report: Report, by) -> Report:
    if report.state != ReportState.REVIEW:
        raise ReportsError(f"only a report in review goes back to draft (this one is {report.state})")
    report.state = ReportState.DRAFT
    report.save(update_fields=["state"])
    return report


def freeze(*, report: Report, by) -> Report:
    """Freeze the report as it stands: its paragraphs, numbering and footnotes no longer change."""
    from wsis.apps.reports.domain.document import document

    if report.state in (ReportState.FROZEN, ReportState.PUBLISHED):
        raise ReportsError(f"the report is already {report.state}")
    with transaction.atomic():
        report.final = document(report, live=True)
        report.state = ReportState.FROZEN
        report.frozen_at = timezone.now()
        report.comments_open = False
        report.save()
        ReportVersion.objects.create(
            report=report,
            number=(report.versions.count() + 1),
            note="frozen",
            snapshot=snapshot(report),
            author=by,
        )
    return report


def publish(*, report: Report, by) -> Report:
    if report.state != ReportState.FROZEN:
        raise ReportsError("freeze the report before publishing it")
    report.state = ReportState.PUBLISHED
    report.published_at = timezone.now()
    report.save(update_fields=["state", "published_at"])
    return report
