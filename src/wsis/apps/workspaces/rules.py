"""Who may do what in a workspace (django-rules). Every view and API endpoint asks here.

Facilitators of the line manage it - as for the registry's review queues, a facilitator of C7 also
facilitates its sub-lines. Members are the people of member organizations, plus the facilitators and
admins. Published things (issues list, adopted minutes, partnerships) are public."""

from __future__ import annotations

import rules

from wsis.apps.accounts.enums import StaffRole
from wsis.apps.accounts.rules import is_admin, is_org_member
from wsis.apps.reference.models import ActionLine
from wsis.apps.workspaces.enums import IssueStatus, MembershipAction, MembershipState, MinutesState
from wsis.apps.workspaces.models import FollowUp, Workspace


def _workspace(obj) -> Workspace:
    """The workspace of any object of this app (workspace, issue, meeting, follow-up, membership)."""
    if isinstance(obj, Workspace):
        return obj
    if isinstance(obj, FollowUp):
        return obj.decision.meeting.workspace
    return obj.workspace


def line_codes(line) -> set[str]:
    """The line and, for a sub-line, its parent: whose facilitators manage it."""
    return {line.code} | ({line.parent_id} if line.parent_id else set())


@rules.predicate
def is_line_facilitator(user, obj) -> bool:
    if not user.is_authenticated or obj is None:
        return False
    line = obj if isinstance(obj, ActionLine) else _workspace(obj).line
    return user.staff_roles.filter(role=StaffRole.FACILITATOR, line_id__in=line_codes(line)).exists()


@rules.predicate
def is_member_org_person(user, obj) -> bool:
    if not user.is_authenticated or obj is None:
        return False
    workspace = _workspace(obj)
    return workspace.memberships.filter(
        state=MembershipState.ACTIVE, organization__members__user=user
    ).exists()


@rules.predicate
def is_published_issue(user, issue) -> bool:
    return issue.status != IssueStatus.PROPOSED


@rules.predicate
def is_adopted(user, meeting) -> bool:
    return meeting.minutes_state == MinutesState.ADOPTED


@rules.predicate
def owns_follow_up(user, action) -> bool:
    return bool(user.is_authenticated and action.owner_id == user.pk)


@rules.predicate
def is_proposer(user, issue) -> bool:
    return bool(user.is_authenticated and issue.proposed_by_id == user.pk)


@rules.predicate
def is_member_of_initiative_org(user, initiative) -> bool:
    return is_org_member(user, initiative.organization)


managers = is_line_facilitator | is_admin
members = is_member_org_person | managers

rules.add_perm("workspaces.setup", managers)  # object: the action line
rules.add_perm("workspaces.manage", managers)  # object: the workspace
rules.add_perm("workspaces.view_private", members)  # notes, meetings, draft minutes, documents
rules.add_perm("workspaces.propose_issue", rules.is_authenticated)
rules.add_perm("workspaces.view_issue", is_published_issue | is_proposer | members)
rules.add_perm("workspaces.triage_issue", managers)
rules.add_perm("workspaces.view_minutes", is_adopted | members)
rules.add_perm("workspaces.complete_action", owns_follow_up | managers)
rules.add_perm("workspaces.choose_digest", members)
# Objects: the organization (joining, answering an invitation) and the initiative (partner signals).
rules.add_perm("workspaces.act_for_organization", is_org_member | is_admin)
rules.add_perm("workspaces.signal_partner", is_member_of_initiative_org | is_admin)


def membership_permission(*, workspace: Workspace, organization, action: str) -> tuple[str, object]:
    """The permission (and its object) a membership change needs, for the pages and the API alike: an
    organization asks to join, accepts an invitation or declines one; the facilitators do the rest."""
    if action in (MembershipAction.REQUEST, MembershipAction.ACCEPT) or (
        action == MembershipAction.DECLINE
        and workspace.memberships.filter(organization=organization, state=MembershipState.INVITED).exists()
    ):
        return "workspaces.act_for_organization", organization
    return "workspaces.manage", workspace
