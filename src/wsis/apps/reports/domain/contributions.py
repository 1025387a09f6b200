"""Contributions to a call: an invited organization's members draft, save, co-edit, submit and - until the
deadline - resubmit; every save is a new version. Answers are checked against each question's type,
attachments against what their bytes are; a late or bad answer is refused and changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wsis.apps.reference.models import ActionLine
from wsis.apps.registry.enums import State as InitiativeState
from wsis.apps.registry.models import Initiative
from wsis.apps.reports.domain import EditConflict, ReportsError
from wsis.apps.reports.domain.calls import questions
from wsis.apps.reports.enums import LANGUAGES, ContributionState, QuestionKind
from wsis.apps.reports.models import (
    Call,
    Contribution,
    ContributionFile,
    ContributionVersion,
    Invitation,
    Question,
)

#: Attachment types: what the first bytes must be for the type the file's name claims.
FILE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_FILE_BYTES = 10 * 2**20


def _sniff(content: bytes) -> str | None:
    """The type the bytes are, whatever the name says."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return FILE_TYPES[".docx"]
        if "xl/workbook.xml" in names:
            return FILE_TYPES[".xlsx"]
    return None


def check_file(name: str, content: bytes) -> str:
    """The content type of an attachment whose bytes are what its name claims; else :class:`ReportsError`."""
    claimed = FILE_TYPES.get(Path(name).suffix.lower())
    if claimed is None:
        raise ReportsError(f"{name}: attachments are PDF, PNG, JPEG, DOCX or XLSX files")
    if len(content) > MAX_FILE_BYTES:
        raise ReportsError(f"{name}: {len(content)} bytes; the limit is {MAX_FILE_BYTES}")
    actual = _sniff(content)
    if actual != claimed:
        what = {v: k.lstrip(".").upper() for k, v in FILE_TYPES.items()}.get(actual or "", "not a known type")
        raise ReportsError(
            f"{name}: the file is not what its name claims ({Path(name).suffix.lower()} expected, "
            f"the content is {what})"
        )
    return claimed


def storage_dir() -> Path:
    path = Path(settings.DATA_DIR) / "contributions"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_answer(question: Question, value: Any, lines: set[str]) -> Any:
    at = f"question {question.label}"
    if question.kind == QuestionKind.LONG_TEXT:
        return str(value or "").strip()
    if question.kind == QuestionKind.PER_ACTION_LINE:
        if not isinstance(value, Mapping):
            raise ReportsError(f"{at}: one text per action line expected")
        unknown = sorted(set(value) - lines)
        if unknown:
            raise ReportsError(f"{at}: unknown action lines {', '.join(unknown)}")
        return {k: str(v).strip() for k, v in sorted(value.items()) if str(v or "").strip()}
    if question.kind == QuestionKind.CHOICE:
        text = str(value or "").strip()
        if text and text not in question.choices:
            raise ReportsError(f"{at}: {text!r} is not one of the choices ({', '.join(question.choices)})")
        return text
    if question.kind == QuestionKind.NUMBER:
        text = str(value if value is not None else "").strip().replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise ReportsError(f"{at}: {value!r} is not a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ReportsError(f"{at}: {value!r} is not a number")
        return number
    if question.kind == QuestionKind.INITIATIVES:
        items = value if isinstance(value, list) else [v for v in str(value or "").replace(",", " ").split()]
        try:
            ids = sorted({int(v) for v in items})
        except ValueError:
            raise ReportsError(f"{at}: initiatives are given by their registry numbers") from None
        found = set(
            Initiative.objects.filter(pk__in=ids, state=InitiativeState.PUBLISHED).values_list(
                "pk", flat=True
            )
        )
        if missing := [i for i in ids if i not in found]:
            raise ReportsError(f"{at}: no published registry initiative {', '.join(map(str, missing))}")
        return ids
    # Attachments are kept as files; the answer lists their ids (set below).
    return value


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def save(
    *,
    call: Call,
    organization,
    author,
    answers: Mapping[str, Any],
    language: str,
    consent_to_publish: bool = False,
    submit: bool = False,
    files: Mapping[str, tuple[str, bytes]] | None = None,
    now: dt.datetime | None = None,
    based_on: int | None = None,
) -> Contribution:
    """Save (``submit`` False) or submit the organization's contribution as a new version. ``answers``
    maps question ids (as text) to values; ``files`` maps attachment questions to (name, bytes), added
    to those already attached. Refused - nothing stored - when the call is closed or not yet open, the
    organization was not invited, the language is not one of the call's, an answer does not fit its
    question, a file is not what it claims, or (on submission) a required question is unanswered.

    ``based_on``: the version the member started from (0 for a new contribution; the answer page always
    sends it). When another member saved a newer version since, :class:`EditConflict` carries both sets
    of answers and nothing is stored - co-editors never overwrite each other."""
    now = now or timezone.now()
    if now >= call.closes_at:
        raise ReportsError(
            f"The call closed on {call.closes_at:%Y-%m-%d %H:%M} UTC: answers are no longer accepted."
        )
    if now < call.opens_at:
        raise ReportsError(f"The call opens on {call.opens_at:%Y-%m-%d %H:%M} UTC.")
    if not Invitation.objects.filter(call=call, organization=organization).exists():
        raise ReportsError(f"{organization} is not invited to this call.")
    if language not in LANGUAGES or language not in call.languages:
        raise ReportsError(f"language {language!r}: this call accepts {', '.join(call.languages)}")
    lines = set(ActionLine.objects.values_list("code", flat=True))
    by_id = {str(q.pk): q for q in questions(call)}
    unknown = sorted(set(answers) - set(by_id), key=str)
    if unknown:
        raise ReportsError(f"no question {', '.join(unknown)} in this call")
    existing = Contribution.objects.filter(call=call, organization=organization).first()
    previous = dict(existing.answers) if existing else {}
    checked: dict[str, Any] = {}
    for key, question in by_id.items():
        if question.kind == QuestionKind.ATTACHMENT:
            checked[key] = list(previous.get(key) or [])
        elif key in answers:
            checked[key] = _check_answer(question, answers[key], lines)
        elif key in previous:
            checked[key] = previous[key]
    pending = []
    for key, (name, content) in (files or {}).items():
        question = by_id.get(str(key))
        if question is None or question.kind != QuestionKind.ATTACHMENT:
            raise ReportsError(f"question {key}: it does not take attachments")
        pending.append((question, name, content, check_file(name, content)))
    if submit:
        missing = [
            q.label
            for key, q in by_id.items()
            if q.required and _empty(checked.get(key)) and not any(p[0] is q for p in pending)
        ]
        if missing:
            raise ReportsError(f"required questions unanswered: {', '.join(missing)}")
    with transaction.atomic():
        contribution, _ = Contribution.objects.select_for_update().get_or_create(
            call=call, organization=organization, defaults={"language": language}
        )
        if based_on is not None and contribution.version != based_on:
            last = contribution.versions.select_related("author").order_by("-number").first()
            who = last.author.get_username() if last else ""
            raise EditConflict(
                f"{organization}'s contribution changed since you opened it: you started from version "
                f"{based_on}, and {who or 'another member'} saved version {contribution.version} since. "
                "Your answers were not saved: they are shown below, beside the newer ones; save again to "
                "put yours on top.",
                theirs=dict(contribution.answers),
                yours=dict(answers),
                revision=contribution.version,
                by=who,
            )
        for question, name, content, content_type in pending:
            stored_as = secrets.token_hex(16)
            (storage_dir() / stored_as).write_bytes(content)
            made = ContributionFile.objects.create(
                contribution=contribution,
                question=question,
                name=Path(name.replace("\\", "/")).name[:200],
                content_type=content_type,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                stored_as=stored_as,
            )
            checked[str(question.pk)] = [*checked.get(str(question.pk), []), made.pk]
        contribution.version += 1
        contribution.answers = checked
        contribution.language = language
        contribution.consent_to_publish = consent_to_publish
        if submit:
            contribution.state = ContributionState.SUBMITTED
            contribution.submitted_version = contribution.version
            contribution.submitted_at = now
            contribution.first_submitted_at = contribution.first_submitted_at or now
        contribution.save()
        ContributionVersion.objects.create(
            contribution=contribution,
            number=contribution.version,
            state=ContributionState.SUBMITTED if submit else ContributionState.DRAFT,
            language=language,
            answers=checked,
            author=author,
        )
    return contribution


def submitted_answers(contribution: Contribution) -> dict[str, Any]:
    """The answers as last submitted (a draft saved after a submission is not what the secretariat sees)."""
    if contribution.submitted_version is None:
        return {}
    version = contribution.versions.filter(number=contribution.submitted_version).first()
    return dict(version.answers) if version else {}


def file_path(item: ContributionFile) -> Path:
    return storage_dir() / item.stored_as


def _flat(value: Any) -> str:
    if isinstance(value, Mapping):
        return "\n".join(str(v) for v in value.values())
    return str(value or "")


def pick_excerpt(*, call: Call, contribution, question: int, text: str, section: str, by):
    """The secretariat picks a passage of a submitted answer for a section of the report. The passage
    must be in the answer as submitted (spacing aside): an excerpt quotes, it does not rewrite; and the
    contribution must be published (its author's consent), since the report links each excerpt to it."""
    from wsis.apps.reports.enums import ReportSection
    from wsis.apps.reports.models import Excerpt

    found = Contribution.objects.filter(
        call=call, public_id=contribution, state=ContributionState.SUBMITTED
    ).first()
    if found is None:
        raise ReportsError("no submitted contribution to this call with that identifier")
    if not found.consent_to_publish:
        # The report links every excerpt to its contribution on the site, which needs the author's consent.
        raise ReportsError(
            f"{found.organization} did not consent to the publication of its contribution: the report cannot "
            "quote it"
        )
    if section not in ReportSection.values:
        raise ReportsError(f"section {section!r}: one of {', '.join(ReportSection.values)}")
    asked = Question.objects.filter(pk=question, section__call=call).first()
    if asked is None:
        raise ReportsError("no such question in this call")
    text = " ".join(text.split())
    answer = " ".join(_flat(submitted_answers(found).get(str(asked.pk))).split())
    if not text or text not in answer:
        raise ReportsError(
            f"the excerpt must be a passage of {found.organization}'s answer to question {asked.label}"
        )
    return Excerpt.objects.create(
        call=call,
        contribution=found,
        question=asked,
        section=section,
        text=text,
        language=found.language,
        picked_by=by,
    )
