"""Builders of people, organizations and entries for the registry tests (real database rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from wsis.apps.accounts.domain.organizations import add_member, create_organization
from wsis.apps.accounts.domain.staff import make_facilitator, make_moderator
from wsis.apps.registry.domain.entries import create_initiative
from wsis.apps.registry.domain.workflow import submit, transition

PASSWORD = "correct horse battery staple 7"


def user(name: str, **extra):
    return get_user_model().objects.create_user(
        username=name, email=f"{name}@example.org", password=PASSWORD, **extra
    )


def entry_data(**overrides) -> dict:
    data = {
        "kind": "initiative",
        "original_language": "en",
        "title": {"en": "Community broadband for rural schools"},
        "summary": {"en": "Connecting schools"},
        "description": {"en": "Fibre and wireless links for 40 rural schools."},
        "action_lines": ["C2"],
        "targets": [{"code": "9.c", "evidence": "40 schools connected"}],
        "countries": ["KEN"],
        "groups": [],
        "partners": [{"role": "4", "name": "Ministry of Education"}],
        "links": [{"url": "https://example.org/schools", "title": ""}],
        "results": [
            {"indicator": "Schools connected", "year": 2024, "baseline": 0, "target": 40, "actual": 12}
        ],
        "scope": "national",
        "activity_status": "ongoing",
        "start_date": dt.date(2023, 1, 1),
        "end_date": dt.date(2026, 12, 31),
        "budget_value": 250000,
        "budget_currency": "USD",
        "contact_name": "A. Person",
        "contact_email": "contact@example.org",
        "contact_public": False,
    }
    data.update(overrides)
    return data


def entry(org, author, state: str = "draft", **overrides):
    """An entry of ``org`` brought to ``state`` through the real workflow."""
    item = create_initiative(organization=org, author=author, data=entry_data(**overrides))
    if state == "draft":
        return item
    submit(initiative=item, actor=author)
    steps = {
        "submitted": [],
        "in_review": ["start_review"],
        "published": ["publish"],
        "changes_requested": ["request_changes"],
        "rejected": ["reject"],
    }[state]
    for action in steps:
        transition(initiative=item, action=action, actor=None, reason="test reason")
    item.refresh_from_db()
    return item


@dataclass
class World:
    owner: object
    editor: object
    member_other: object
    facilitator: object
    facilitator_other: object
    moderator: object
    admin: object
    outsider: object
    org: object
    other_org: object
    draft: object
    submitted: object
    published: object
    other_draft: object

    @classmethod
    def build(cls) -> World:
        owner, editor, member_other = user("owner"), user("editor"), user("otherorg")
        facilitator, facilitator_other = user("fac_c2"), user("fac_c5")
        moderator, outsider = user("moderator"), user("member")
        admin = get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
        org = create_organization(creator=owner, name="Rural Connect", stakeholder_type="civil_society")
        add_member(organization=org, user=editor, role="editor")
        other_org = create_organization(creator=member_other, name="Other Org", stakeholder_type="private")
        make_facilitator(user=facilitator, line_code="C2")
        make_facilitator(user=facilitator_other, line_code="C5")
        make_moderator(user=moderator)
        return cls(
            owner=owner,
            editor=editor,
            member_other=member_other,
            facilitator=facilitator,
            facilitator_other=facilitator_other,
            moderator=moderator,
            admin=admin,
            outsider=outsider,
            org=org,
            other_org=other_org,
            draft=entry(org, owner),
            submitted=entry(org, owner, "submitted", title={"en": "Submitted entry on school links"}),
            published=entry(org, owner, "published", title={"en": "Published entry on libraries"}),
            other_draft=entry(other_org, member_other, title={"en": "Other organization's draft"}),
        )
