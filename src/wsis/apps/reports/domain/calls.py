"""Calls for inputs: creating one with its questionnaire, extending its deadline (logged with the reason),
inviting organizations by e-mail and reminding those that have not submitted before the deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wsis.apps.accounts.models import Organization
from wsis.apps.reports.domain import ReportsError
from wsis.apps.reports.enums import LANGUAGES, Audience, ContributionState, QuestionKind
from wsis.apps.reports.models import Call, Extension, Invitation, Question, Section

#: How long before the deadline invited organizations that have not submitted get a reminder.
REMIND_BEFORE = dt.timedelta(days=7)


def is_open(call: Call, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return call.opens_at <= now < call.closes_at


def check_questionnaire(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The sections of a questionnaire ``{"sections": [{"title", "questions": [{"kind", "text",
    "choices", "required"}]}]}`` checked and normalised; :class:`ReportsError` names the first section
    and question that is wrong (an unknown type lists the known ones)."""
    sections = spec.get("sections") if isinstance(spec, Mapping) else None
    if not isinstance(sections, list) or not sections:
        raise ReportsError("questionnaire: it needs a list of sections, each with questions")
    known = [k.value for k in QuestionKind]
    out = []
    for s_number, section in enumerate(sections, start=1):
        where = f"questionnaire: section {s_number}"
        if not isinstance(section, Mapping) or not str(section.get("title") or "").strip():
            raise ReportsError(f"{where}: a section needs a title")
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            raise ReportsError(f"{where}: a section needs at least one question")
        checked = []
        for q_number, question in enumerate(questions, start=1):
            at = f"{where}, question {q_number}"
            if not isinstance(question, Mapping):
                raise ReportsError(f"{at}: not a question")
            kind = str(question.get("kind") or "")
            if kind not in known:
                raise ReportsError(f"{at}: unknown question type {kind!r} (known: {', '.join(known)})")
            text = str(question.get("text") or "").strip()
            if not text:
                raise ReportsError(f"{at}: the question has no text")
            choices = [str(c).strip() for c in question.get("choices") or [] if str(c).strip()]
            if kind == QuestionKind.CHOICE and len(choices) < 2:
                raise ReportsError(f"{at}: a choice question needs at least two choices")
            if kind != QuestionKind.CHOICE and choices:
                raise ReportsError(f"{at}: only choice questions have choices")
            checked.append(
                {"kind": kind, "text": text, "choices": choices, "required": bool(question.get("required"))}
            )
        out.append({"title": str(section["title"]).strip(), "questions": checked})
    return out


def create_call(
    *,
    year: int,
    title: str,
    purpose: str,
    paragraph: str,
    audience: Sequence[str],
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    languages: Sequence[str],
    questionnaire: Mapping[str, Any],
    by,
) -> Call:
    """A call with its questionnaire, all checked before anything is stored."""
    if not title.strip() or not purpose.strip():
        raise ReportsError("a call needs a title and a purpose")
    if not paragraph.strip():
        raise ReportsError("a call names the paragraph of the resolution it answers (e.g. 110)")
    wrong = [a for a in audience if a not in Audience.values]
    if not audience or wrong:
        raise ReportsError(f"audience: {wrong or 'none'} (known: {', '.join(Audience.values)})")
    wrong = [lang for lang in languages if lang not in LANGUAGES]
    if not languages or wrong:
        raise ReportsError(f"languages: {wrong or 'none'} (the six UN languages: {', '.join(LANGUAGES)})")
    if closes_at <= opens_at:
        raise ReportsError("the call must close after it opens")
    sections = check_questionnaire(questionnaire)
    with transaction.atomic():
        call = Call.objects.create(
            year=year,
            title=title.strip(),
            purpose=purpose.strip(),
            paragraph=paragraph.strip(),
            audience=list(dict.fromkeys(audience)),
            opens_at=opens_at,
            closes_at=closes_at,
            languages=list(dict.fromkeys(languages)),
            created_by=by,
        )
        for s_number, section in enumerate(sections, start=1):
            made = Section.objects.create(call=call, number=s_number, title=section["title"])
            Question.objects.bulk_create(
                Question(section=made, number=q_number, **question)
                for q_number, question in enumerate(section["questions"], start=1)
            )
    return call


def questions(call: Call) -> list[Question]:
    return list(Question.objects.filter(section__call=call).select_related("section"))


def extend(*, call: Call, closes_at: dt.datetime, reason: str, by) -> Extension:
    """Move the deadline (later or earlier), logged with its reason."""
    if not reason.strip():
        raise ReportsError("an extension needs a reason")
    if closes_at <= call.opens_at:
        raise ReportsError("the call must close after it opens")
    with transaction.atomic():
        entry = Extension.objects.create(
            call=call, old_closes=call.closes_at, new_closes=closes_at, reason=reason.strip(), actor=by
        )
        call.closes_at = closes_at
        call.save(update_fields=["closes_at"])
    return entry


def _addresses(organization: Organization) -> list[str]:
    return sorted({m.user.email for m in organization.members.select_related("user") if m.user.email})


def _link(call: Call) -> str:
    return settings.WSIS_PUBLIC_URL.rstrip("/") + reverse("reports:answer", args=[call.pk])


def invite(*, call: Call, organizations: Iterable[Organization], by) -> list[Invitation]:
    """Invite organizations (once each) and e-mail their members the call, its deadline and the link."""
    made = []
    for organization in organizations:
        invitation, created = Invitation.objects.get_or_create(
            call=call, organization=organization, defaults={"invited_by": by}
        )
        if not created:
            continue
        made.append(invitation)
        if addresses := _addresses(organization):
            send_mail(
                f"Call for inputs: {call.title}",
                f"{organization.name} is invited to contribute to: {call.title}\n\n{call.purpose}\n\n"
                f"Answers are accepted until {call.closes_at:%Y-%m-%d %H:%M} UTC, in any of the six UN "
                f"languages, at {_link(call)}\n",
                None,
                addresses,
            )
    return made


def remind(
    *, now: dt.datetime | None = None, before: dt.timedelta = REMIND_BEFORE, call: Call | None = None
) -> list[Invitation]:
    """E-mail a reminder to every invited organization that has not submitted to an open call (``call``,
    or any) closing within ``before``; once per invitation. Returns the invitations reminded."""
    now = now or timezone.now()
    due = Invitation.objects.filter(
        reminded_at=None, call__opens_at__lte=now, call__closes_at__gt=now, call__closes_at__lte=now + before
    ).select_related("call", "organization")
    if call is not None:
        due = due.filter(call=call)
    reminded = []
    for invitation in due:
        submitted = invitation.call.contributions.filter(
            organization=invitation.organization, state=ContributionState.SUBMITTED
        ).exists()
        if submitted:
            continue
        if addresses := _addresses(invitation.organization):
            due_call = invitation.call
            send_mail(
                f"Reminder: {due_call.title} closes on {due_call.closes_at:%Y-%m-%d}",
                f"{invitation.organization.name} has not yet submitted its contribution to: "
                f"{due_call.title}\n\n"
                f"The call closes on {due_call.closes_at:%Y-%m-%d %H:%M} UTC: {_link(due_call)}\n",
                None,
                addresses,
            )
        invitation.reminded_at = now
        invitation.save(update_fields=["reminded_at"])
        reminded.append(invitation)
    return reminded
