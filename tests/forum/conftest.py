"""Forum tests run on the real database of the run (SQLite or PostgreSQL) with the reference knowledge
synchronised once per session, as the web tests do. ``Cast`` builds the people, organizations, an edition
and sessions through the Forum's own domain functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from tests.registry.factories import PASSWORD, user
from tests.web.conftest import django_db_setup  # noqa: F401 - same session-wide database preparation

GENEVA = ZoneInfo("Europe/Zurich")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def geneva(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time of the 2025 Forum (7-11 July 2025), in Geneva time (CEST, UTC+2 in July)."""
    return dt.datetime(2025, 7, day, hour, minute, tzinfo=GENEVA)


def session_data(**over):
    from wsis.apps.forum.domain.sessions import SessionData, SpeakerData

    fields = {
        "title": "Meaningful connectivity for rural schools",
        "description": "How school connectivity projects measure what pupils gain.",
        "kind": "workshop",
        "action_lines": ["C2", "C7.e"],
        "sdg_targets": ["4.a", "9.c"],
        "starts_at": geneva(8, 9, 30),
        "ends_at": geneva(8, 10, 45),
        "room": "Room 2, CICG",
        "languages": ["en", "fr"],
        "speakers": [
            SpeakerData("Amina Diallo", "Rural Connect", "civil_society", "SEN", "woman"),
            SpeakerData("Jean Martin", "Ministère du numérique", "government", "FRA", "man"),
            SpeakerData("Kim Lee", "Open Campus", "academia", "KOR", ""),
        ],
    }
    fields.update(over)
    return SessionData(**fields)


@dataclass
class Cast:
    organizer: object
    secretariat: object
    moderator: object
    facilitator: object
    admin: object
    owner: object
    editor: object
    other: object
    outsider: object
    org: object
    other_org: object
    edition: object

    @classmethod
    def build(cls) -> Cast:
        from wsis.apps.accounts.domain.organizations import add_member, create_organization
        from wsis.apps.accounts.domain.staff import make_facilitator, make_moderator, make_secretariat
        from wsis.apps.forum.domain.sessions import create_edition
        from wsis.apps.forum.models import ForumOrganizer

        organizer, secretariat, moderator = user("itu_forum"), user("unctad"), user("moderator")
        facilitator, owner, editor, other, outsider = (
            user("fac_c2"),
            user("owner"),
            user("editor"),
            user("otherorg"),
            user("member"),
        )
        admin = get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)
        ForumOrganizer.objects.create(user=organizer)
        make_secretariat(user=secretariat)
        make_moderator(user=moderator)
        make_facilitator(user=facilitator, line_code="C2")
        org = create_organization(creator=owner, name="Rural Connect", stakeholder_type="civil_society")
        org.country_id = "SEN"
        org.save()
        add_member(organization=org, user=editor)
        other_org = create_organization(creator=other, name="Other Org", stakeholder_type="private")
        other_org.country_id = "DEU"
        other_org.save()
        edition = create_edition(
            year=2025,
            title="WSIS+20 Forum High-Level Event 2025",
            starts_on=dt.date(2025, 7, 7),
            ends_on=dt.date(2025, 7, 11),
        )
        return cls(
            organizer,
            secretariat,
            moderator,
            facilitator,
            admin,
            owner,
            editor,
            other,
            outsider,
            org,
            other_org,
            edition,
        )


@pytest.fixture
def cast(db) -> Cast:
    return Cast.build()
