"""REST API of the workspaces (django-ninja). What a workspace publishes is open to everyone; the
facilitators' notes, draft minutes and the membership log need a member's personal token
(`Authorization: Bearer <token>`), and every change needs a token.

The same ``rules`` as the pages decide and the same ``domain`` functions do the work, so a change through
the API is the change the page makes. Answers: 401 without a valid token, 403 for a wrong role, 404 for
an object of another workspace, 422 naming the field for a refused value, 413 for an oversized body (told
from its declared length, before it is read). Tokens, not cookies, authenticate, so there is no CSRF
surface."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from wsis.apps.accounts.domain.tokens import TokenThrottled, user_for_token
from wsis.apps.accounts.models import Organization
from wsis.apps.registry.api import TokenAuth as RegistryTokenAuth
from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.issues import propose, triage
from wsis.apps.workspaces.domain.meetings import adopt, complete, decide_with_action, hold, write_minutes
from wsis.apps.workspaces.domain.members import active_organizations, change
from wsis.apps.workspaces.domain.notes import add_note
from wsis.apps.workspaces.enums import IssueStatus
from wsis.apps.workspaces.models import Decision, FollowUp, Issue, Meeting, Note, Workspace
from wsis.apps.workspaces.rules import membership_permission

router = Router(tags=["workspaces"])

#: The largest request body a change may send: the longest text (minutes, 100,000 characters) with room
#: for JSON escapes. Larger bodies are refused before Django reads them.
MAX_BODY = 1_000_000

#: Primary keys as the databases store them: a larger number is a 422 naming the field, not an overflow.
Pk = Annotated[int, Field(ge=1, le=2_147_483_647)]


class WorkspaceRefusal(Schema):
    """Every refusal: ``detail`` is a message naming the field, or the list of schema validation errors."""

    detail: str | list[dict[str, Any]]


ERRORS: dict[int, Any] = {code: WorkspaceRefusal for code in (400, 401, 403, 404, 413, 422, 429)}


class TokenAuth(RegistryTokenAuth):
    """The registry's personal-token check (401, 429 when throttled), after refusing a body larger than
    :data:`MAX_BODY` from its declared length, before Django reads it."""

    def authenticate(self, request: HttpRequest, token: str):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit() or int(declared) > MAX_BODY:
            raise HttpError(413, f"body: {declared} bytes; the limit is {MAX_BODY}")
        return super().authenticate(request, token)


def _user(request: HttpRequest):
    """Reads accept a token (members see more); without one, anonymous."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return AnonymousUser()
    try:
        user = user_for_token(token=header[7:].strip(), request=request)
    except TokenThrottled as exc:
        raise HttpError(429, str(exc)) from exc
    if user is None:
        raise HttpError(401, "invalid token")
    return user


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise HttpError(401 if not user.is_authenticated else 403, f"not allowed: {perm.split('.')[1]}")


def _workspace(code: str) -> Workspace:
    return get_object_or_404(Workspace.objects.select_related("line"), line__code=code)


@contextmanager
def _refusals_as_422():
    """A domain refusal names the field and why: the API's 422."""
    try:
        yield
    except WorkspaceError as exc:
        raise HttpError(422, str(exc)) from exc


# --- answers -------------------------------------------------------------------------------------------


class WorkspaceOut(Schema):
    line: str
    purpose: str
    lead_facilitators: list[str]
    co_facilitators: list[str]
    members: list[str]


class IssueOut(Schema):
    id: int
    title: str
    description: str
    status: str
    owner: str | None
    initiatives: list[int]
    targets: list[str]
    created_at: dt.datetime


class IssueChangeOut(Schema):
    field: str
    before: str
    after: str
    actor: str | None
    at: dt.datetime


class IssueDetailOut(IssueOut):
    proposed_by: str | None
    history: list[IssueChangeOut]


class NoteOut(Schema):
    text: str
    author: str | None
    at: dt.datetime


class FollowUpOut(Schema):
    id: int
    text: str
    owner: str
    due: dt.date
    done_at: dt.datetime | None
    overdue: bool


class WorkspaceDecisionOut(Schema):
    id: int
    meeting: int
    text: str
    actions: list[FollowUpOut]


class MinutesOut(Schema):
    meeting: int
    title: str
    held_on: dt.date
    state: str
    minutes: str
    decisions: list[str]


class WorkspaceMeetingOut(Schema):
    id: int
    title: str
    held_on: dt.date
    agenda: str
    state: str


class WorkspaceMembershipOut(Schema):
    organization: int
    name: str
    state: str


class WorkspaceMembershipEventOut(Schema):
    organization: int
    name: str
    action: str
    actor: str | None
    at: dt.datetime


def _name(user) -> str | None:
    return user.username if user else None


def _issue(issue: Issue) -> dict:
    return {
        "id": issue.pk,
        "title": issue.title,
        "description": issue.description,
        "status": issue.status,
        "owner": _name(issue.owner),
        "initiatives": [x.pk for x in issue.initiatives.all()],
        "targets": [t.code for t in issue.targets.all()],
        "created_at": issue.created_at,
    }


def _issue_detail(issue: Issue) -> dict:
    history = [
        {"field": c.field, "before": c.before, "after": c.after, "actor": _name(c.actor), "at": c.at}
        for c in issue.changes.select_related("actor")
    ]
    return {**_issue(issue), "proposed_by": _name(issue.proposed_by), "history": history}


def _action(action: FollowUp) -> dict:
    return {
        "id": action.pk,
        "text": action.text,
        "owner": action.owner.username,
        "due": action.due,
        "done_at": action.done_at,
        "overdue": action.overdue_on(timezone.localdate()),
    }


def _decision(decision: Decision) -> dict:
    return {
        "id": decision.pk,
        "meeting": decision.meeting_id,
        "text": decision.text,
        "actions": [_action(a) for a in decision.actions.select_related("owner")],
    }


def _minutes(meeting: Meeting) -> dict:
    return {
        "meeting": meeting.pk,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "state": meeting.minutes_state,
        "minutes": meeting.minutes,
        "decisions": [d.text for d in meeting.decisions.all()],
    }


def _note(note: Note) -> dict:
    return {"text": note.text, "author": _name(note.author), "at": note.at}


# --- reading -------------------------------------------------------------------------------------------


@router.get("/{code}", response={200: WorkspaceOut, **ERRORS}, summary="A line's workspace")
def workspace(request: HttpRequest, code: str):
    ws = _workspace(code)
    return {
        "line": ws.line_id,
        "purpose": ws.purpose,
        "lead_facilitators": ws.line.lead_facilitators,
        "co_facilitators": ws.line.co_facilitators,
        "members": [o.name for o in active_organizations(workspace=ws)],
    }


@router.get("/{code}/issues", response={200: list[IssueOut], **ERRORS}, summary="The line's issues")
def issues(request: HttpRequest, code: str):
    """Published issues; members (with their token) also see the proposed ones."""
    ws, user = _workspace(code), _user(request)
    rows = ws.issues.select_related("owner").prefetch_related("initiatives", "targets")
    if not user.has_perm("workspaces.view_private", ws):
        rows = rows.exclude(status=IssueStatus.PROPOSED)
    return [_issue(i) for i in rows]


@router.get(
    "/{code}/issues/{pk}", response={200: IssueDetailOut, **ERRORS}, summary="An issue and its history"
)
def issue(request: HttpRequest, code: str, pk: int):
    found = get_object_or_404(Issue, pk=pk, workspace=_workspace(code))
    _require(_user(request), "workspaces.view_issue", found)
    return _issue_detail(found)


@router.get("/{code}/notes", response={200: list[NoteOut], **ERRORS}, summary="Facilitators' notes (members)")
def notes(request: HttpRequest, code: str):
    ws = _workspace(code)
    _require(_user(request), "workspaces.view_private", ws)
    return [_note(n) for n in ws.notes.select_related("author")]


@router.get(
    "/{code}/meetings/{pk}/minutes", response={200: MinutesOut, **ERRORS}, summary="A meeting's minutes"
)
def minutes(request: HttpRequest, code: str, pk: int):
    """Adopted minutes for everyone; draft minutes for members only."""
    meeting = get_object_or_404(Meeting, pk=pk, workspace=_workspace(code))
    _require(_user(request), "workspaces.view_minutes", meeting)
    return _minutes(meeting)


@router.get(
    "/{code}/memberships",
    response={200: list[WorkspaceMembershipOut], **ERRORS},
    summary="Memberships and their state",
)
def memberships(request: HttpRequest, code: str):
    """Every membership, requested and invited ones too, as the members page shows them."""
    ws = _workspace(code)
    return [
        {"organization": m.organization_id, "name": m.organization.name, "state": m.state}
        for m in ws.memberships.select_related("organization")
    ]


@router.get(
    "/{code}/memberships/log",
    response={200: list[WorkspaceMembershipEventOut], **ERRORS},
    summary="The membership log (members)",
)
def membership_log(request: HttpRequest, code: str):
    ws = _workspace(code)
    _require(_user(request), "workspaces.view_private", ws)
    return [
        {
            "organization": e.organization_id,
            "name": e.organization.name,
            "action": e.action,
            "actor": _name(e.actor),
            "at": e.at,
        }
        for e in ws.membership_events.select_related("organization", "actor")[:500]
    ]


# --- changing ------------------------------------------------------------------------------------------


class WorkspaceMembershipIn(Schema):
    organization: Pk
    action: str = Field(description="request, invite, approve, accept, decline or remove")


@router.post(
    "/{code}/memberships",
    auth=TokenAuth(),
    response={200: WorkspaceMembershipOut, **ERRORS},
    summary="Ask to join, invite, approve, accept, decline or remove (logged)",
)
def membership_change(request: HttpRequest, code: str, payload: WorkspaceMembershipIn):
    """An organization's people ask to join, accept or decline an invitation; the facilitators invite,
    approve, decline a request and remove. Every change is a line of the membership log."""
    ws = _workspace(code)
    organization = get_object_or_404(Organization, pk=payload.organization)
    _require(
        request.user, *membership_permission(workspace=ws, organization=organization, action=payload.action)
    )
    with _refusals_as_422():
        found = change(workspace=ws, organization=organization, action=payload.action, actor=request.user)
    return {"organization": organization.pk, "name": organization.name, "state": found.state}


class WorkspaceIssueIn(Schema):
    title: str
    description: str


@router.post(
    "/{code}/issues", auth=TokenAuth(), response={201: IssueDetailOut, **ERRORS}, summary="Propose an issue"
)
def propose_issue(request: HttpRequest, code: str, payload: WorkspaceIssueIn):
    ws = _workspace(code)
    _require(request.user, "workspaces.propose_issue", ws)
    with _refusals_as_422():
        made = propose(workspace=ws, title=payload.title, description=payload.description, by=request.user)
    return Status(201, _issue_detail(made))


class IssueTriageIn(Schema):
    """Only the fields given change; ``owner`` "" clears the owner, a list replaces the links."""

    status: str | None = Field(None, description="proposed, open, in_progress, resolved or declined")
    owner: str | None = Field(None, description="a user name, or an empty text for nobody")
    initiatives: list[Pk] | None = Field(None, max_length=200)
    targets: list[str] | None = Field(None, max_length=200, description="SDG target codes, e.g. 9.c")


@router.patch(
    "/{code}/issues/{pk}",
    auth=TokenAuth(),
    response={200: IssueDetailOut, **ERRORS},
    summary="Triage an issue (facilitators)",
)
def triage_issue(request: HttpRequest, code: str, pk: int, payload: IssueTriageIn):
    found = get_object_or_404(Issue, pk=pk, workspace=_workspace(code))
    _require(request.user, "workspaces.triage_issue", found)
    with _refusals_as_422():
        triage(issue=found, by=request.user, **payload.dict(exclude_unset=True))
    return _issue_detail(Issue.objects.get(pk=found.pk))


class WorkspaceMeetingIn(Schema):
    title: str
    held_on: dt.date
    agenda: str = ""


@router.post(
    "/{code}/meetings",
    auth=TokenAuth(),
    response={201: WorkspaceMeetingOut, **ERRORS},
    summary="Schedule a meeting (facilitators)",
)
def schedule_meeting(request: HttpRequest, code: str, payload: WorkspaceMeetingIn):
    ws = _workspace(code)
    _require(request.user, "workspaces.manage", ws)
    with _refusals_as_422():
        meeting = hold(
            workspace=ws, title=payload.title, held_on=payload.held_on, agenda=payload.agenda, by=request.user
        )
    return Status(
        201,
        {
            "id": meeting.pk,
            "title": meeting.title,
            "held_on": meeting.held_on,
            "agenda": meeting.agenda,
            "state": meeting.minutes_state,
        },
    )


def _managed_meeting(request: HttpRequest, code: str, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("workspace"), pk=pk, workspace=_workspace(code)
    )
    _require(request.user, "workspaces.manage", meeting.workspace)
    return meeting


class WorkspaceMinutesIn(Schema):
    minutes: str


@router.put(
    "/{code}/meetings/{pk}/minutes",
    auth=TokenAuth(),
    response={200: MinutesOut, **ERRORS},
    summary="Write draft minutes (facilitators)",
)
def write_meeting_minutes(request: HttpRequest, code: str, pk: int, payload: WorkspaceMinutesIn):
    meeting = _managed_meeting(request, code, pk)
    with _refusals_as_422():
        meeting = write_minutes(meeting=meeting, minutes=payload.minutes, by=request.user)
    return _minutes(meeting)


@router.post(
    "/{code}/meetings/{pk}/adoption",
    auth=TokenAuth(),
    response={200: MinutesOut, **ERRORS},
    summary="Adopt and publish the minutes (facilitators)",
)
def adopt_minutes(request: HttpRequest, code: str, pk: int):
    meeting = _managed_meeting(request, code, pk)
    with _refusals_as_422():
        meeting = adopt(meeting=meeting, by=request.user)
    return _minutes(meeting)


class WorkspaceFollowUpIn(Schema):
    text: str
    owner: str = Field(description="the user name of who does it")
    due: dt.date


class WorkspaceDecisionIn(Schema):
    text: str
    action: WorkspaceFollowUpIn | None = None


@router.post(
    "/{code}/meetings/{pk}/decisions",
    auth=TokenAuth(),
    response={201: WorkspaceDecisionOut, **ERRORS},
    summary="Record a decision and its follow-up action (facilitators)",
)
def record_decision(request: HttpRequest, code: str, pk: int, payload: WorkspaceDecisionIn):
    meeting = _managed_meeting(request, code, pk)
    follow_up = payload.action
    with _refusals_as_422():
        decision = decide_with_action(
            meeting=meeting,
            text=payload.text,
            action=follow_up.text if follow_up else "",
            owner=follow_up.owner if follow_up else "",
            due=follow_up.due if follow_up else None,
            by=request.user,
        )
    return Status(201, _decision(decision))


@router.post(
    "/{code}/actions/{pk}/done",
    auth=TokenAuth(),
    response={200: FollowUpOut, **ERRORS},
    summary="Mark a follow-up action done (its owner or the facilitators)",
)
def action_done(request: HttpRequest, code: str, pk: int):
    ws = _workspace(code)
    action = get_object_or_404(
        FollowUp.objects.select_related("owner"), pk=pk, decision__meeting__workspace=ws
    )
    _require(request.user, "workspaces.view_private", ws)
    _require(request.user, "workspaces.complete_action", action)
    return _action(complete(action=action, by=request.user))


class WorkspaceNoteIn(Schema):
    text: str


@router.post(
    "/{code}/notes",
    auth=TokenAuth(),
    response={201: NoteOut, **ERRORS},
    summary="Add a facilitators' note (members read it)",
)
def add_workspace_note(request: HttpRequest, code: str, payload: WorkspaceNoteIn):
    ws = _workspace(code)
    _require(request.user, "workspaces.manage", ws)
    with _refusals_as_422():
        note = add_note(workspace=ws, text=payload.text, by=request.user)
    return Status(201, _note(note))
