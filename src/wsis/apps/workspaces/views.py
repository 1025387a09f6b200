"""Pages of the action line workspaces. Published things (the workspace page, issues, adopted minutes,
partnerships) are open to everyone; meetings, draft minutes, documents and the facilitators' notes only
to members. Every change is a POST checked by ``rules`` and CSRF; a refused change answers 400 with the
domain's message and stores nothing."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from wsis.apps.accounts.domain.organizations import organizations_of
from wsis.apps.accounts.domain.preferences import preferred_language
from wsis.apps.accounts.models import Organization
from wsis.apps.reference.models import ActionLine
from wsis.apps.registry.domain.attachments import served
from wsis.apps.registry.models import Initiative
from wsis.apps.reports.models import Report
from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.digest import choose
from wsis.apps.workspaces.domain.issues import line_and_sub_lines, propose, triage
from wsis.apps.workspaces.domain.meetings import (
    add_document,
    adopt,
    complete,
    decide_with_action,
    document_path,
    hold,
    write_minutes,
)
from wsis.apps.workspaces.domain.members import active_organizations, change
from wsis.apps.workspaces.domain.notes import add_note
from wsis.apps.workspaces.domain.outcomes import forum_outcomes
from wsis.apps.workspaces.domain.partnerships import declare, matches, signals
from wsis.apps.workspaces.domain.setup import set_up
from wsis.apps.workspaces.enums import (
    DigestPeriod,
    Direction,
    IssueStatus,
    MinutesState,
    PartnerKind,
)
from wsis.apps.workspaces.models import FollowUp, Issue, Meeting, MeetingDocument, Workspace
from wsis.apps.workspaces.rules import membership_permission


def _workspace(code: str) -> Workspace:
    return get_object_or_404(Workspace.objects.select_related("line"), line__code=code)


def _require(request: HttpRequest, perm: str, obj) -> None:
    """Anonymous visitors are sent to sign in; signed-in people without the right get 403."""
    if not request.user.has_perm(perm, obj):
        if not request.user.is_authenticated:
            raise _SignIn
        raise PermissionDenied


class _SignIn(Exception):
    pass


def _guarded(view):
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _SignIn:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _refused(request: HttpRequest, exc: WorkspaceError, template: str, context: dict) -> HttpResponse:
    messages.error(request, str(exc))
    return render(request, template, context, status=400)


def _today() -> dt.date:
    return timezone.localdate()


def _base(request: HttpRequest, workspace: Workspace) -> dict:
    user = request.user
    return {
        "workspace": workspace,
        "line": workspace.line,
        "can_manage": user.has_perm("workspaces.manage", workspace),
        "is_member": user.has_perm("workspaces.view_private", workspace),
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    lines = ActionLine.objects.order_by("position").select_related("workspace")
    rows = [(line, getattr(line, "workspace", None)) for line in lines]
    return render(request, "workspaces/index.html", {"rows": rows})


@require_GET
def workspace_page(request: HttpRequest, code: str) -> HttpResponse:
    workspace = _workspace(code)
    context = _base(request, workspace)
    context.update(
        members=active_organizations(workspace=workspace),
        issues=workspace.issues.exclude(status=IssueStatus.PROPOSED)[:10],
        minutes=workspace.meetings.filter(minutes_state=MinutesState.ADOPTED),
        reports=sorted(
            set(
                Report.objects.filter(kind="action_line", subject=code, state="published").values_list(
                    "year", flat=True
                )
            ),
            reverse=True,
        ),
        forum_outcomes=forum_outcomes(workspace.line),
    )
    return render(request, "workspaces/workspace.html", context)


@_guarded
@require_http_methods(["GET", "POST"])
def setup_page(request: HttpRequest, code: str) -> HttpResponse:
    line = get_object_or_404(ActionLine, code=code)
    _require(request, "workspaces.setup", line)
    workspace = Workspace.objects.filter(line=line).first()
    context = {"line": line, "workspace": workspace}
    if request.method == "POST":
        made = set_up(line=line, purpose=request.POST.get("purpose", ""), by=request.user)
        return redirect("workspaces:workspace", made.line_id)
    return render(request, "workspaces/setup.html", context)


@_guarded
@require_http_methods(["GET", "POST"])
def members_page(request: HttpRequest, code: str) -> HttpResponse:
    workspace = _workspace(code)
    context = _base(request, workspace)
    context.update(
        memberships=workspace.memberships.select_related("organization"),
        events=workspace.membership_events.select_related("organization", "actor")[:100]
        if context["is_member"]
        else [],
        my_organizations=organizations_of(user=request.user) if request.user.is_authenticated else [],
        organizations=Organization.objects.order_by("name") if context["can_manage"] else [],
        digest_periods=DigestPeriod.choices,
        languages=settings.LANGUAGES,
        digest_language=preferred_language(user=request.user, default=translation.get_language()),
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise _SignIn
        action = request.POST.get("action", "")
        organization = Organization.objects.filter(pk=_int(request.POST.get("organization"))).first()
        if organization is None:
            return _refused(
                request, WorkspaceError("organization: choose one"), "workspaces/members.html", context
            )
        perm, target = membership_permission(workspace=workspace, organization=organization, action=action)
        _require(request, perm, target)
        try:
            change(workspace=workspace, organization=organization, action=action, actor=request.user)
        except WorkspaceError as exc:
            return _refused(request, exc, "workspaces/members.html", context)
        return redirect("workspaces:members", code)
    return render(request, "workspaces/members.html", context)


def _in_line(workspace: Workspace):
    """Published registry initiatives of the workspace's line (a sub-line's count for its parent)."""
    return Initiative.objects.filter(
        state="published", action_lines__in=line_and_sub_lines(workspace)
    ).distinct()


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@_guarded
@require_http_methods(["GET", "POST"])
def issues_page(request: HttpRequest, code: str) -> HttpResponse:
    workspace = _workspace(code)
    context = _base(request, workspace)
    shown = workspace.issues.select_related("owner")
    if not context["is_member"]:
        shown = shown.exclude(status=IssueStatus.PROPOSED)
    context.update(issues=shown, form=request.POST)
    if request.method == "POST":
        _require(request, "workspaces.propose_issue", workspace)
        try:
            issue = propose(
                workspace=workspace,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                by=request.user,
            )
        except WorkspaceError as exc:
            return _refused(request, exc, "workspaces/issues.html", context)
        return redirect("workspaces:issue", code, issue.pk)
    return render(request, "workspaces/issues.html", context)


@_guarded
@require_http_methods(["GET", "POST"])
def issue_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    workspace = _workspace(code)
    issue = get_object_or_404(Issue, pk=pk, workspace=workspace)
    _require(request, "workspaces.view_issue", issue)
    context = _base(request, workspace)
    context.update(
        issue=issue,
        statuses=IssueStatus.choices,
        history=issue.changes.select_related("actor"),
        line_initiatives=_in_line(workspace)[:200],
    )
    if request.method == "POST":
        _require(request, "workspaces.triage_issue", issue)
        try:
            triage(
                issue=issue,
                by=request.user,
                status=request.POST.get("status") or None,
                owner=request.POST.get("owner"),
                initiatives=[int(i) for i in request.POST.getlist("initiatives") if i.isdigit()],
                targets=request.POST.get("targets", "").replace(",", " ").split(),
            )
        except WorkspaceError as exc:
            return _refused(request, exc, "workspaces/issue.html", context)
        return redirect("workspaces:issue", code, issue.pk)
    return render(request, "workspaces/issue.html", context)


@_guarded
@require_http_methods(["GET", "POST"])
def meetings_page(request: HttpRequest, code: str) -> HttpResponse:
    workspace = _workspace(code)
    _require(request, "workspaces.view_private", workspace)
    context = _base(request, workspace)
    context.update(meetings=workspace.meetings.all(), form=request.POST)
    if request.method == "POST":
        _require(request, "workspaces.manage", workspace)
        try:
            meeting = hold(
                workspace=workspace,
                title=request.POST.get("title", ""),
                held_on=request.POST.get("held_on", ""),
                agenda=request.POST.get("agenda", ""),
                by=request.user,
            )
        except WorkspaceError as exc:
            return _refused(request, exc, "workspaces/meetings.html", context)
        return redirect("workspaces:meeting", code, meeting.pk)
    return render(request, "workspaces/meetings.html", context)


def _meeting_context(request: HttpRequest, workspace: Workspace, meeting: Meeting) -> dict:
    context = _base(request, workspace)
    today = _today()
    decisions = list(meeting.decisions.prefetch_related("actions__owner"))
    for decision in decisions:
        decision.rows = [(a, a.overdue_on(today)) for a in decision.actions.all()]
    context.update(
        meeting=meeting,
        decisions=decisions,
        documents=meeting.documents.all(),
        today=today,
        overdue_count=sum(late for d in decisions for _, late in d.rows),
    )
    return context


@_guarded
@require_http_methods(["GET", "POST"])
def meeting_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    workspace = _workspace(code)
    meeting = get_object_or_404(Meeting, pk=pk, workspace=workspace)
    _require(request, "workspaces.view_private", workspace)
    context = _meeting_context(request, workspace, meeting)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "complete":
                follow_up = get_object_or_404(
                    FollowUp, pk=_int(request.POST.get("follow_up")), decision__meeting=meeting
                )
                _require(request, "workspaces.complete_action", follow_up)
                complete(action=follow_up, by=request.user)
            else:
                _require(request, "workspaces.manage", workspace)
                _meeting_change(request, meeting, action)
        except WorkspaceError as exc:
            return _refused(request, exc, "workspaces/meeting.html", context)
        return redirect("workspaces:meeting", code, meeting.pk)
    return render(request, "workspaces/meeting.html", context)


def _meeting_change(request: HttpRequest, meeting: Meeting, action: str) -> None:
    post, by = request.POST, request.user
    if action == "minutes":
        write_minutes(meeting=meeting, minutes=post.get("minutes", ""), by=by)
    elif action == "adopt":
        adopt(meeting=meeting, by=by)
    elif action == "decide":
        decide_with_action(
            meeting=meeting,
            text=post.get("decision", ""),
            action=post.get("follow_up", ""),
            owner=post.get("owner", ""),
            due=post.get("due", ""),
            by=by,
        )
    elif action == "upload":
        upload = request.FILES.get("file")
        if upload is None:
            raise WorkspaceError("file: choose a file to upload")
        add_document(meeting=meeting, name=upload.name, content=upload.read(), by=by)
    else:
        raise WorkspaceError(f"action: {action!r} is not minutes, adopt, decide, upload or complete")


@_guarded
@require_GET
def document_download(request: HttpRequest, code: str, pk: int, doc: int) -> HttpResponse:
    workspace = _workspace(code)
    document = get_object_or_404(MeetingDocument, pk=doc, meeting_id=pk, meeting__workspace=workspace)
    _require(request, "workspaces.view_private", workspace)
    return served(
        document_path(document=document), filename=document.name, content_type=document.content_type
    )


@require_GET
def minutes_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The permanent public URL of a meeting's adopted minutes; draft minutes are not found here."""
    workspace = _workspace(code)
    meeting = get_object_or_404(Meeting, pk=pk, workspace=workspace, minutes_state=MinutesState.ADOPTED)
    context = _meeting_context(request, workspace, meeting)
    return render(request, "workspaces/minutes.html", context)


@_guarded
@require_http_methods(["GET", "POST"])
def notes_page(request: HttpRequest, code: str) -> HttpResponse:
    workspace = _workspace(code)
    _require(request, "workspaces.view_private", workspace)
    context = _base(request, workspace)
    context.update(notes=workspace.notes.select_related("author"))
    if request.method == "POST":
        _require(request, "workspaces.manage", workspace)
        try:
            add_note(workspace=workspace, text=request.POST.get("text", ""), by=request.user)
        except WorkspaceError as exc:
            return _refused(request, exc, "workspaces/notes.html", context)
        return redirect("workspaces:notes", code)
    return render(request, "workspaces/notes.html", context)


@_guarded
@require_http_methods(["GET", "POST"])
def partnerships_page(request: HttpRequest, code: str) -> HttpResponse:
    workspace = _workspace(code)
    context = _base(request, workspace)
    mine = Initiative.objects.none()
    if request.user.is_authenticated:
        mine = _in_line(workspace).filter(organization__members__user=request.user)
    context.update(
        signals=signals(workspace=workspace),
        matches=matches(workspace=workspace),
        mine=mine,
        directions=Direction.choices,
        kinds=PartnerKind.choices,
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise _SignIn
        initiative = Initiative.objects.filter(pk=_int(request.POST.get("initiative"))).first()
        if initiative is None:
            raise Http404
        _require(request, "workspaces.signal_partner", initiative)
        try:
            if not _in_line(workspace).filter(pk=initiative.pk).exists():
                raise WorkspaceError(f"initiative: {initiative.pk} is not a published initiative of {code}")
            declare(
                initiative=initiative,
                direction=request.POST.get("direction", ""),
                kind=request.POST.get("kind", ""),
                country=request.POST.get("country", ""),
                detail=request.POST.get("detail", ""),
                by=request.user,
            )
        except WorkspaceError as exc:
            return _refused(request, exc, "workspaces/partnerships.html", context)
        return redirect("workspaces:partnerships", code)
    return render(request, "workspaces/partnerships.html", context)


@_guarded
@require_http_methods(["POST"])
def digest_choice(request: HttpRequest, code: str) -> HttpResponse:
    workspace = _workspace(code)
    _require(request, "workspaces.choose_digest", workspace)
    try:
        choose(
            workspace=workspace,
            user=request.user,
            period=request.POST.get("period", ""),
            language=request.POST.get("language") or None,
        )
    except WorkspaceError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return redirect("workspaces:members", code)
