"""What the secretariat sees of a call: who was invited, who answered, what is late; every submitted answer
to a question side by side (filtered by action line, region and stakeholder type), as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from wsis.apps.reports.domain.calls import questions
from wsis.apps.reports.domain.contributions import submitted_answers
from wsis.apps.reports.enums import ContributionState, QuestionKind
from wsis.apps.reports.models import Call, Contribution, ContributionFile, Invitation, Question


@dataclass(frozen=True)
class Standing:
    organization: str
    stakeholder_type: str
    invited_at: Any
    state: str  # "not started", "draft", "submitted"
    submitted_at: Any
    language: str
    versions: int
    late: bool


def standing(call: Call, now=None) -> list[Standing]:
    """Every invited organization: whether it answered, and whether it is late (the deadline has passed
    without a submission)."""
    now = now or timezone.now()
    contributions = {
        c.organization_id: c for c in Contribution.objects.filter(call=call).select_related("organization")
    }
    out = []
    for invitation in Invitation.objects.filter(call=call).select_related("organization"):
        found = contributions.get(invitation.organization_id)
        state = found.state if found else "not started"
        out.append(
            Standing(
                organization=invitation.organization.name,
                stakeholder_type=invitation.organization.get_stakeholder_type_display(),
                invited_at=invitation.invited_at,
                state=state,
                submitted_at=found.submitted_at if found else None,
                language=found.language if found else "",
                versions=found.version if found else 0,
                late=state != ContributionState.SUBMITTED and now >= call.closes_at,
            )
        )
    return out


@dataclass(frozen=True)
class Row:
    question: str  # its label, 2.3
    question_text: str
    organization: str
    stakeholder_type: str
    country: str
    region: str
    language: str
    action_line: str
    answer: str
    contribution: str  # public id
    question_id: int


def _text(question: Question, value: Any, files: dict[int, ContributionFile]) -> list[tuple[str, str]]:
    """(action line, text) pairs of one answer."""
    if value in (None, "", [], {}):
        return []
    if question.kind == QuestionKind.PER_ACTION_LINE:
        return [(line, text) for line, text in value.items()]
    if question.kind == QuestionKind.NUMBER:
        return [("", f"{value:g}")]
    if question.kind == QuestionKind.INITIATIVES:
        return [("", ", ".join(f"#{i}" for i in value))]
    if question.kind == QuestionKind.ATTACHMENT:
        return [("", ", ".join(files[i].name for i in value if i in files))]
    return [("", str(value))]


def compile_answers(
    call: Call,
    *,
    question: int | None = None,
    action_line: str = "",
    region: str = "",
    stakeholder_type: str = "",
) -> list[Row]:
    """Every submitted answer, question by question, side by side. ``action_line`` keeps the answers of
    per-action-line questions about that line (and other questions' answers whole); ``region`` is an M49
    region code of the organization's country; ``stakeholder_type`` the organization's."""
    wanted = [q for q in questions(call) if question is None or q.pk == question]
    contributions = (
        Contribution.objects.filter(call=call, state=ContributionState.SUBMITTED)
        .select_related("organization__country__region")
        .order_by("organization__name")
    )
    if stakeholder_type:
        contributions = contributions.filter(organization__stakeholder_type=stakeholder_type)
    if region:
        contributions = contributions.filter(organization__country__region=region)
    files = {f.pk: f for f in ContributionFile.objects.filter(contribution__call=call)}
    rows = []
    for q in wanted:
        for contribution in contributions:
            answers = submitted_answers(contribution)
            organization = contribution.organization
            country = organization.country
            for line, text in _text(q, answers.get(str(q.pk)), files):
                if action_line and line and line != action_line:
                    continue
                rows.append(
                    Row(
                        question=q.label,
                        question_text=q.text,
                        organization=organization.name,
                        stakeholder_type=organization.get_stakeholder_type_display(),
                        country=country.iso3 if country else "",
                        region=country.region.name if country and country.region else "",
                        language=contribution.language,
                        action_line=line,
                        answer=text,
                        contribution=str(contribution.public_id),
                        question_id=q.pk,
                    )
                )
    return rows


HEADER = [
    "question",
    "question text",
    "organization",
    "stakeholder type",
    "country",
    "region",
    "language",
    "action line",
    "answer",
    "contribution",
]


def _cells(row: Row) -> list[str]:
    return [
        row.question,
        row.question_text,
        row.organization,
        row.stakeholder_type,
        row.country,
        row.region,
        row.language,
        row.action_line,
        row.answer,
        row.contribution,
    ]


def _safe(cell: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def to_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([_safe(c) for c in _cells(row)])
    return out.getvalue()


def to_xlsx(rows: list[Row], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "answers"
    sheet.append(HEADER)
    for row in rows:
        sheet.append([_safe(c) for c in _cells(row)])
    sheet.freeze_panes = "A2"
    book.properties.title = title[:250]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
