"""REST API of the workspaces (django-ninja), read-only: what a workspace publishes is open to everyone;
the facilitators' notes and draft minutes need a member's personal token (`Authorization: Bearer
<token>`). The same ``rules`` as the pages decide; a non-member gets 403, a missing token 401."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from wsis.apps.accounts.domain.tokens import TokenThrottled, user_for_token
from wsis.apps.workspaces.domain.members import active_organizations
from wsis.apps.workspaces.enums import IssueStatus
from wsis.apps.workspaces.models import Meeting, Workspace

router = Router(tags=["workspaces"])


def _user(request: HttpRequest):
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


class NoteOut(Schema):
    text: str
    author: str | None
    at: dt.datetime


class MinutesOut(Schema):
    meeting: int
    title: str
    held_on: dt.date
    state: str
    minutes: str
    decisions: list[str]


@router.get("/{code}", response=WorkspaceOut)
def workspace(request: HttpRequest, code: str):
    ws = _workspace(code)
    return {
        "line": ws.line_id,
        "purpose": ws.purpose,
        "lead_facilitators": ws.line.lead_facilitators,
        "co_facilitators": ws.line.co_facilitators,
        "members": [o.name for o in active_organizations(workspace=ws)],
    }


@router.get("/{code}/issues", response=list[IssueOut])
def issues(request: HttpRequest, code: str):
    """Published issues; members (with their token) also see the proposed ones."""
    ws, user = _workspace(code), _user(request)
    rows = ws.issues.select_related("owner").prefetch_related("initiatives", "targets")
    if not user.has_perm("workspaces.view_private", ws):
        rows = rows.exclude(status=IssueStatus.PROPOSED)
    return [
        {
            "id": i.pk,
            "title": i.title,
            "description": i.description,
            "status": i.status,
            "owner": i.owner.username if i.owner else None,
            "initiatives": [x.pk for x in i.initiatives.all()],
            "targets": [t.code for t in i.targets.all()],
            "created_at": i.created_at,
        }
        for i in rows
    ]


@router.get("/{code}/notes", response=list[NoteOut])
def notes(request: HttpRequest, code: str):
    ws = _workspace(code)
    _require(_user(request), "workspaces.view_private", ws)
    return [
        {"text": n.text, "author": n.author.username if n.author else None, "at": n.at}
        for n in ws.notes.select_related("author")
    ]


@router.get("/{code}/meetings/{pk}/minutes", response=MinutesOut)
def minutes(request: HttpRequest, code: str, pk: int):
    """Adopted minutes for everyone; draft minutes for members only."""
    ws = _workspace(code)
    meeting = get_object_or_404(Meeting, pk=pk, workspace=ws)
    _require(_user(request), "workspaces.view_minutes", meeting)
    return {
        "meeting": meeting.pk,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "state": meeting.minutes_state,
        "minutes": meeting.minutes,
        "decisions": [d.text for d in meeting.decisions.all()],
    }
