"""Meetings: agenda, documents, minutes (draft, then adopted and public), decisions and their follow-up
actions with owners and due dates."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

# The registry's upload checks, reused: the same accepted types told by their first bytes, the same size
# limit and the same safe download names.
from wsis.apps.registry.domain.attachments import content_type_of, download_name
from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.activity import record
from wsis.apps.workspaces.domain.issues import _text, person_named
from wsis.apps.workspaces.enums import MinutesState
from wsis.apps.workspaces.models import Decision, FollowUp, Meeting, MeetingDocument, Workspace


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise WorkspaceError(f"{field}: {value!r} is not a date (YYYY-MM-DD)") from None


@transaction.atomic
def hold(*, workspace: Workspace, title: str, held_on, agenda: str, by) -> Meeting:
    meeting = Meeting.objects.create(
        workspace=workspace,
        title=_text(title, "title", 200),
        held_on=_date(held_on, "date"),
        agenda=_text(agenda, "agenda", 20000, required=False),
    )
    record(
        workspace=workspace,
        message=gettext_noop("Meeting scheduled: %(title)s (%(date)s)"),
        private=True,
        title=meeting.title,
        date=meeting.held_on,
    )
    return meeting


def _draft(meeting: Meeting) -> None:
    if meeting.minutes_state == MinutesState.ADOPTED:
        raise WorkspaceError(
            f"minutes of {meeting.title}: adopted on {meeting.adopted_at:%Y-%m-%d}; no more changes"
        )


@transaction.atomic
def write_minutes(*, meeting: Meeting, minutes: str, by) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _draft(meeting)
    meeting.minutes = _text(minutes, "minutes", 100000, required=False)
    meeting.save(update_fields=["minutes"])
    return meeting


@transaction.atomic
def adopt(*, meeting: Meeting, by) -> Meeting:
    """Adopted minutes are published at their permanent public URL and no longer change."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _draft(meeting)
    if not meeting.minutes:
        raise WorkspaceError(f"minutes of {meeting.title}: empty; write them before adopting")
    meeting.minutes_state = MinutesState.ADOPTED
    meeting.adopted_at = timezone.now()
    meeting.save(update_fields=["minutes_state", "adopted_at"])
    record(
        workspace=meeting.workspace,
        message=gettext_noop("Minutes adopted and published: %(title)s"),
        title=meeting.title,
    )
    return meeting


@transaction.atomic
def decide(*, meeting: Meeting, text: str, by) -> Decision:
    _draft(meeting)
    decision = Decision.objects.create(meeting=meeting, text=_text(text, "decision", 5000))
    record(
        workspace=meeting.workspace,
        message=gettext_noop("Decision at %(meeting)s: %(text)s"),
        private=True,
        meeting=meeting.title,
        text=decision.text,
    )
    return decision


@transaction.atomic
def assign(*, decision: Decision, text: str, owner: str, due, by) -> FollowUp:
    person = person_named(owner, "owner")
    action = FollowUp.objects.create(
        decision=decision, text=_text(text, "action", 2000), owner=person, due=_date(due, "due date")
    )
    record(
        workspace=decision.meeting.workspace,
        message=gettext_noop("Action for %(person)s due %(date)s: %(text)s"),
        private=True,
        person=person,
        date=action.due,
        text=action.text,
    )
    return action


@transaction.atomic  # a decision whose follow-up action is refused is not kept either
def decide_with_action(
    *, meeting: Meeting, text: str, action: str = "", owner: str = "", due=None, by
) -> Decision:
    """A decision and, when ``action`` is given, its follow-up action (the pages' and the API's way)."""
    decision = decide(meeting=meeting, text=text, by=by)
    if (action or "").strip():
        assign(decision=decision, text=action, owner=owner, due=due, by=by)
    return decision


@transaction.atomic
def complete(*, action: FollowUp, by) -> FollowUp:
    if action.done_at is None:
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        record(
            workspace=action.decision.meeting.workspace,
            message=gettext_noop("Action done: %(text)s"),
            private=True,
            text=action.text,
        )
    return action


def overdue(*, workspace: Workspace, today: dt.date):
    """Follow-up actions past their due date and not done, as of ``today``."""
    return FollowUp.objects.filter(
        decision__meeting__workspace=workspace, done_at=None, due__lt=today
    ).select_related("owner", "decision__meeting")


def _storage() -> Path:
    path = Path(settings.DATA_DIR) / "workspace-documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_document(*, meeting: Meeting, name: str, content: bytes, by) -> MeetingDocument:
    limit = int(settings.WSIS_REGISTRY_ATTACHMENT_MAX_BYTES)
    if len(content) > limit:
        raise WorkspaceError(f"file: {name} is {len(content)} bytes; the limit is {limit}")
    content_type = content_type_of(content)
    if content_type is None:
        raise WorkspaceError(f"file: {name} is not a PDF, PNG or JPEG file")
    stored_as = secrets.token_hex(16)
    path = _storage() / stored_as
    path.write_bytes(content)
    try:
        with transaction.atomic():
            document = MeetingDocument.objects.create(
                meeting=meeting,
                name=download_name(name=name, content_type=content_type),
                content_type=content_type,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                stored_as=stored_as,
                uploaded_by=by,
            )
            record(
                workspace=meeting.workspace,
                message=gettext_noop("Document added to %(meeting)s: %(name)s"),
                private=True,
                meeting=meeting.title,
                name=document.name,
            )
    except Exception:
        path.unlink(missing_ok=True)  # no orphan file when the row was not stored
        raise
    return document


def document_path(*, document: MeetingDocument) -> Path:
    return _storage() / document.stored_as


def decisions_of_year(*, workspace: Workspace, year: int):
    """Decisions of meetings held in ``year`` whose minutes are adopted (only those are public)."""
    return Decision.objects.filter(
        meeting__workspace=workspace, meeting__held_on__year=year, meeting__minutes_state=MinutesState.ADOPTED
    ).select_related("meeting")
