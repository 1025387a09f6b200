"""Staff roles: facilitators of action lines, moderators and the secretariat."""

from __future__ import annotations

from wsis.apps.accounts.enums import StaffRole
from wsis.apps.accounts.models import StaffAssignment


def make_facilitator(*, user, line_code: str) -> StaffAssignment:
    return StaffAssignment.objects.get_or_create(user=user, role=StaffRole.FACILITATOR, line_id=line_code)[0]


def make_moderator(*, user) -> StaffAssignment:
    return StaffAssignment.objects.get_or_create(user=user, role=StaffRole.MODERATOR, line=None)[0]


def make_secretariat(*, user) -> StaffAssignment:
    """A member of the CSTD secretariat: runs calls for inputs and drafts the reports."""
    return StaffAssignment.objects.get_or_create(user=user, role=StaffRole.SECRETARIAT, line=None)[0]


def lines_facilitated(*, user) -> list[str]:
    if not user.is_authenticated:
        return []
    return list(
        StaffAssignment.objects.filter(user=user, role=StaffRole.FACILITATOR).values_list(
            "line_id", flat=True
        )
    )
