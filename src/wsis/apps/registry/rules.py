"""Who may do what with an initiative (django-rules). Every view and API endpoint asks here.

Organization members (owners and editors) write their organization's entries; facilitators review the
entries of their action lines; moderators merge duplicates; admins may do everything. Published entries are
public; others are visible to their organization, their lines' facilitators, moderators and admins."""

from __future__ import annotations

import rules

from wsis.apps.accounts.enums import StaffRole
from wsis.apps.accounts.rules import is_admin, is_moderator, is_org_member
from wsis.apps.registry.enums import Kind, State

EDITABLE = {State.DRAFT, State.CHANGES_REQUESTED, State.PUBLISHED}
SUBMITTABLE = {State.DRAFT, State.CHANGES_REQUESTED}
REVIEWABLE = {State.SUBMITTED, State.IN_REVIEW}


@rules.predicate
def is_published(user, initiative) -> bool:
    return initiative.state == State.PUBLISHED


@rules.predicate
def is_member_of_entry_org(user, initiative) -> bool:
    return is_org_member(user, initiative.organization)


@rules.predicate
def is_facilitator_of_entry(user, initiative) -> bool:
    """Facilitator of one of the entry's action lines (a C7 sub-line's entry also goes to C7)."""
    if not user.is_authenticated:
        return False
    codes = set(initiative.action_lines.values_list("code", flat=True))
    codes |= set(initiative.action_lines.exclude(parent=None).values_list("parent_id", flat=True))
    return user.staff_roles.filter(role=StaffRole.FACILITATOR, line_id__in=codes).exists()


@rules.predicate
def is_editable(user, initiative) -> bool:
    return initiative.state in EDITABLE and initiative.same_as_id is None


@rules.predicate
def is_submittable(user, initiative) -> bool:
    return initiative.state in SUBMITTABLE and initiative.same_as_id is None


@rules.predicate
def is_under_review(user, initiative) -> bool:
    return initiative.state in REVIEWABLE


@rules.predicate
def is_pledge(user, initiative) -> bool:
    return initiative.kind == Kind.PLEDGE


@rules.predicate
def is_not_draft(user, initiative) -> bool:
    return initiative.state != State.DRAFT


@rules.predicate
def contact_is_public(user, initiative) -> bool:
    return initiative.contact_public


can_see_unpublished = (
    is_member_of_entry_org | (is_facilitator_of_entry & is_not_draft) | is_moderator | is_admin
)

rules.add_perm("registry.view_initiative", is_published | can_see_unpublished)
rules.add_perm("registry.view_contact", contact_is_public | can_see_unpublished)
# Contacts in past versions, which may have been private when saved even if the entry's is public now.
rules.add_perm("registry.view_private_contact", can_see_unpublished)
rules.add_perm("registry.create_initiative", is_org_member | is_admin)  # object: the organization
rules.add_perm("registry.change_initiative", (is_member_of_entry_org | is_admin) & is_editable)
rules.add_perm("registry.submit_initiative", (is_member_of_entry_org | is_admin) & is_submittable)
rules.add_perm("registry.review_initiative", (is_facilitator_of_entry | is_admin) & is_under_review)
rules.add_perm("registry.merge_initiative", (is_moderator | is_admin) & is_not_draft)
rules.add_perm("registry.verify_initiative", (is_member_of_entry_org | is_admin) & is_published)
rules.add_perm("registry.report_progress", (is_member_of_entry_org | is_admin) & is_published & is_pledge)
rules.add_perm("registry.attach_file", (is_member_of_entry_org | is_admin) & is_editable)
rules.add_perm("registry.import_entries", is_org_member | is_admin)  # object: the organization


@rules.predicate
def owns_token(user, token) -> bool:
    return bool(user.is_authenticated and token.user_id == user.pk)


# API tokens: their owner sees and revokes them; an admin may revoke anyone's (a leaked token).
rules.add_perm("registry.see_token", owns_token | is_admin)
rules.add_perm("registry.revoke_token", owns_token | is_admin)
