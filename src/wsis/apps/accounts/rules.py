"""Object-level permissions of people and organizations (django-rules): the one place that says who may
do what. Registry permissions build on these predicates in ``wsis.apps.registry.rules``."""

from __future__ import annotations

import rules

from wsis.apps.accounts.enums import MemberRole, StaffRole


@rules.predicate
def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


@rules.predicate
def is_moderator(user) -> bool:
    return bool(user.is_authenticated and user.staff_roles.filter(role=StaffRole.MODERATOR).exists())


@rules.predicate
def is_facilitator(user) -> bool:
    return bool(user.is_authenticated and user.staff_roles.filter(role=StaffRole.FACILITATOR).exists())


@rules.predicate
def is_secretariat(user) -> bool:
    return bool(user.is_authenticated and user.staff_roles.filter(role=StaffRole.SECRETARIAT).exists())


@rules.predicate
def is_facilitator_of_line(user, line) -> bool:
    if not user.is_authenticated or line is None:
        return False
    code = getattr(line, "code", line)
    return user.staff_roles.filter(role=StaffRole.FACILITATOR, line_id=code).exists()


@rules.predicate
def is_org_member(user, organization) -> bool:
    if not user.is_authenticated or organization is None:
        return False
    return organization.members.filter(user=user).exists()


@rules.predicate
def is_org_owner(user, organization) -> bool:
    if not user.is_authenticated or organization is None:
        return False
    return organization.members.filter(user=user, role=MemberRole.OWNER).exists()


rules.add_perm("accounts.view_organization", rules.always_allow)
rules.add_perm("accounts.manage_organization", is_org_owner | is_admin)
rules.add_perm("accounts.create_organization", rules.is_authenticated)
rules.add_perm("accounts.view_queue", is_facilitator_of_line | is_admin)
