"""Issues that need improvement: proposed by anyone signed in, triaged by the facilitators, every change
of a field kept as an :class:`IssueChange`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_noop

from wsis.apps.reference.models import SdgTarget
from wsis.apps.registry.models import Initiative
from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.activity import record
from wsis.apps.workspaces.enums import IssueStatus
from wsis.apps.workspaces.models import Issue, IssueChange, Workspace


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    """A text field stripped and checked: present (when required), within its limit, and storable - a NUL
    or a lone surrogate (possible in JSON from the API) is refused here rather than by the database."""
    value = (value or "").strip()
    if required and not value:
        raise WorkspaceError(f"{field}: required")
    if len(value) > limit:
        raise WorkspaceError(f"{field}: {len(value)} characters; the limit is {limit}")
    if "\x00" in value:
        raise WorkspaceError(f"{field}: contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise WorkspaceError(f"{field}: not valid Unicode text") from None
    return value


@transaction.atomic
def propose(*, workspace: Workspace, title: str, description: str, by) -> Issue:
    issue = Issue.objects.create(
        workspace=workspace,
        title=_text(title, "title", 200),
        description=_text(description, "description", 20000),
        proposed_by=by,
    )
    IssueChange.objects.create(issue=issue, field="status", before="", after=IssueStatus.PROPOSED, actor=by)
    record(workspace=workspace, message=gettext_noop("Issue proposed: %(title)s"), title=issue.title)
    return issue


def person_named(username: str, field: str):
    """The user called ``username``, or a refusal naming ``field``."""
    name = _text(username, field, 150)
    person = get_user_model().objects.filter(username=name).first()
    if person is None:
        raise WorkspaceError(f"{field}: no user {name!r}")
    return person


def _initiatives(workspace: Workspace, ids: list[int]) -> list[Initiative]:
    """Published initiatives of the line (a sub-line's initiatives count for its parent too)."""
    found = list(
        Initiative.objects.filter(
            pk__in=ids, state="published", action_lines__in=line_and_sub_lines(workspace)
        ).distinct()
    )
    missing = set(ids) - {i.pk for i in found}
    if missing:
        raise WorkspaceError(
            f"initiatives: {', '.join(map(str, sorted(missing)))} not published in {workspace.line_id}"
        )
    return found


def line_and_sub_lines(workspace: Workspace) -> list[str]:
    line = workspace.line
    return [line.code, *line.sub_lines.values_list("code", flat=True)]


@transaction.atomic
def triage(
    *,
    issue: Issue,
    by,
    status: str | None = None,
    owner: str | None = None,
    initiatives: list[int] | None = None,
    targets: list[str] | None = None,
) -> Issue:
    """Change what is given; every field that changes leaves a line of history."""
    changes: list[tuple[str, str, str]] = []
    if status is not None and status != issue.status:
        if status not in IssueStatus.values:
            raise WorkspaceError(f"status: {status!r} is not one of {', '.join(IssueStatus.values)}")
        changes.append(("status", issue.status, status))
        issue.status = status
    if owner is not None:
        person = None
        if owner.strip():
            person = person_named(owner, "owner")
        if person != issue.owner:
            changes.append(("owner", str(issue.owner or ""), str(person or "")))
            issue.owner = person
    if initiatives is not None:
        chosen = _initiatives(issue.workspace, initiatives)
        before = sorted(issue.initiatives.values_list("pk", flat=True))
        if sorted(i.pk for i in chosen) != before:
            changes.append(("initiatives", " ".join(map(str, before)), " ".join(str(i.pk) for i in chosen)))
            issue.initiatives.set(chosen)
    if targets is not None:
        targets = [_text(code, "targets", 10) for code in targets]
        found = list(SdgTarget.objects.filter(code__in=targets))
        missing = set(targets) - {t.code for t in found}
        if missing:
            raise WorkspaceError(f"targets: no SDG target {', '.join(sorted(missing))}")
        before = sorted(issue.targets.values_list("code", flat=True))
        if sorted(t.code for t in found) != before:
            changes.append(("targets", " ".join(before), " ".join(sorted(t.code for t in found))))
            issue.targets.set(found)
    issue.save()
    for field, old, new in changes:
        IssueChange.objects.create(issue=issue, field=field, before=old, after=new, actor=by)
        record(
            workspace=issue.workspace,
            message=gettext_noop("Issue %(title)s: %(field)s %(before)s → %(after)s"),
            title=issue.title,
            field=field,
            before=old or "-",
            after=new or "-",
        )
    return issue


def counts_of_year(*, workspace: Workspace, year: int) -> dict[str, int]:
    """Issues proposed in ``year`` by their status now, for the yearly report."""
    out: dict[str, int] = {}
    for status in workspace.issues.filter(created_at__year=year).values_list("status", flat=True):
        out[status] = out.get(status, 0) + 1
    return out
