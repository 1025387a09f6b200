"""Organizations and their members."""

from __future__ import annotations

from django.db import transaction

from wsis.apps.accounts.enums import MemberRole
from wsis.apps.accounts.models import Member, Organization


def create_organization(*, creator, name: str, stakeholder_type: str, un_entity: bool = False, **fields):
    """A new organization whose creator is its first owner."""
    with transaction.atomic():
        org = Organization.objects.create(
            name=name, stakeholder_type=stakeholder_type, un_entity=un_entity, **fields
        )
        Member.objects.create(organization=org, user=creator, role=MemberRole.OWNER)
    return org


def add_member(*, organization: Organization, user, role: str = MemberRole.EDITOR) -> Member:
    member, _created = Member.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    return member


def organizations_of(*, user):
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(members__user=user).distinct()
