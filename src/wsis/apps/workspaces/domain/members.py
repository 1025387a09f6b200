"""Organizations join a workspace at their request (approved by a facilitator) or by invitation (accepted by
the organization). Every change is a :class:`MembershipEvent`: who, when, what."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from wsis.apps.accounts.models import Organization
from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.activity import record
from wsis.apps.workspaces.enums import MembershipAction as A
from wsis.apps.workspaces.enums import MembershipState as S
from wsis.apps.workspaces.models import Membership, MembershipEvent, Workspace

#: For each action: the states it may start from and the state it leads to (None: no membership yet).
MOVES: dict[str, tuple[set, str]] = {
    A.REQUEST: ({None, S.DECLINED, S.REMOVED}, S.REQUESTED),
    A.INVITE: ({None, S.DECLINED, S.REMOVED}, S.INVITED),
    A.APPROVE: ({S.REQUESTED}, S.ACTIVE),
    A.ACCEPT: ({S.INVITED}, S.ACTIVE),
    A.DECLINE: ({S.REQUESTED, S.INVITED}, S.DECLINED),
    A.REMOVE: ({S.ACTIVE}, S.REMOVED),
}

#: Each change as the digest says it.
SAID = {
    A.REQUEST: gettext_noop("%(organization)s asked to join (%(person)s)"),
    A.INVITE: gettext_noop("%(organization)s was invited (%(person)s)"),
    A.APPROVE: gettext_noop("%(organization)s joined: request approved (%(person)s)"),
    A.ACCEPT: gettext_noop("%(organization)s joined: invitation accepted (%(person)s)"),
    A.DECLINE: gettext_noop("%(organization)s: declined (%(person)s)"),
    A.REMOVE: gettext_noop("%(organization)s was removed (%(person)s)"),
}


@transaction.atomic
def change(*, workspace: Workspace, organization: Organization, action: str, actor) -> Membership:
    if action not in MOVES:
        raise WorkspaceError(f"action: {action!r} is not one of {', '.join(MOVES)}")
    starts, ends = MOVES[action]
    found = (
        Membership.objects.select_for_update().filter(workspace=workspace, organization=organization).first()
    )
    state = found.state if found else None
    if state not in starts:
        raise WorkspaceError(
            f"membership of {organization.name} in {workspace.line_id}: cannot {action} when "
            f"{state or 'not a member'}"
        )
    if found is None:
        found = Membership.objects.create(workspace=workspace, organization=organization, state=ends)
    else:
        found.state = ends
        found.save(update_fields=["state", "changed_at"])
    MembershipEvent.objects.create(workspace=workspace, organization=organization, action=action, actor=actor)
    record(workspace=workspace, message=SAID[action], organization=organization.name, person=actor)
    return found


def active_organizations(*, workspace: Workspace):
    return Organization.objects.filter(
        pk__in=workspace.memberships.filter(state=S.ACTIVE).values("organization")
    ).order_by("name")
