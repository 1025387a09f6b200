"""Workspace tests run on the real database of the run (SQLite or PostgreSQL) with the reference knowledge
synchronised once per session; people, organizations and entries come from the registry's factories."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.registry import factories
from tests.web.conftest import django_db_setup  # noqa: F401 - same session-wide database preparation


@dataclass
class Cast:
    """C2's workspace with one member organization, C5's workspace, and the people around them."""

    facilitator: object
    facilitator_other: object
    editor: object  # editor of the member organization
    nonmember: object  # owner of an organization that is not a member
    user: object  # signed in, no organization
    admin: object
    member_org: object
    other_org: object
    workspace: object
    other_workspace: object
    initiative: object  # published, C2, of the member organization


def build_cast() -> Cast:
    from django.contrib.auth import get_user_model

    from wsis.apps.accounts.domain.organizations import add_member, create_organization
    from wsis.apps.accounts.domain.staff import make_facilitator
    from wsis.apps.workspaces.domain.members import change
    from wsis.apps.workspaces.domain.setup import line_of, set_up

    facilitator, facilitator_other = factories.user("fac_c2"), factories.user("fac_c5")
    owner, editor, nonmember, plain = (factories.user(n) for n in ("owner", "editor", "nonmember", "plain"))
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", factories.PASSWORD)
    make_facilitator(user=facilitator, line_code="C2")
    make_facilitator(user=facilitator_other, line_code="C5")
    member_org = create_organization(creator=owner, name="Rural Connect", stakeholder_type="civil_society")
    add_member(organization=member_org, user=editor, role="editor")
    other_org = create_organization(creator=nonmember, name="Other Org", stakeholder_type="private")
    workspace = set_up(line=line_of("C2"), purpose="Infrastructure coordination", by=facilitator)
    other_workspace = set_up(line=line_of("C5"), purpose="Security", by=facilitator_other)
    change(workspace=workspace, organization=member_org, action="invite", actor=facilitator)
    change(workspace=workspace, organization=member_org, action="accept", actor=owner)
    initiative = factories.entry(member_org, owner, "published", title={"en": "Rural backbone"})
    return Cast(
        facilitator=facilitator,
        facilitator_other=facilitator_other,
        editor=editor,
        nonmember=nonmember,
        user=plain,
        admin=admin,
        member_org=member_org,
        other_org=other_org,
        workspace=workspace,
        other_workspace=other_workspace,
        initiative=initiative,
    )


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def model_relations():
    """As in the registry's browser test: the relations of every model cached while all apps are visible."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        model._meta.fields_map  # noqa: B018 - computed for its side effect: the cache
    return True
