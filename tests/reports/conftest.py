"""Calls and reports tests run on the real database of the run (SQLite or PostgreSQL) with the reference
knowledge synchronised once per session. Report tests read the shared real data imported through the
warehouse and published once for this folder (`site_data`, the public-site tests' fixture)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.public.conftest import site_data, site_server  # noqa: F401 - the same real data and server
from tests.registry.factories import user
from tests.web.conftest import django_db_setup  # noqa: F401 - same session-wide database preparation
from wsis.apps.accounts.domain.organizations import create_organization
from wsis.apps.accounts.domain.staff import make_secretariat

QUESTIONNAIRE = {
    "sections": [
        {
            "title": "Implementation",
            "questions": [
                {"kind": "long_text", "text": "Main actions and initiatives of the year", "required": True},
                {"kind": "per_action_line", "text": "Results by action line"},
                {"kind": "choice", "text": "Level of action", "choices": ["regional", "international"]},
            ],
        },
        {
            "title": "Figures and evidence",
            "questions": [
                {"kind": "number", "text": "People trained"},
                {"kind": "initiatives", "text": "Registry initiatives"},
                {"kind": "attachment", "text": "Annual report"},
            ],
        },
    ]
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db):
    """The secretariat, two invited organizations (a regional commission in Senegal writing in French, a
    UN entity in Egypt writing in Arabic) with one member each, an uninvited one, and an open call."""
    from wsis.apps.reports.domain.calls import create_call, invite

    secretariat = user("unctad")
    make_secretariat(user=secretariat)
    people = {}
    orgs = {}
    for name, org_name, kind, country in (
        ("amadou", "Commission régionale de test", "international", "SEN"),
        ("layla", "Test UN entity", "international", "EGY"),
        ("olga", "Uninvited network", "civil_society", "RUS"),
    ):
        people[name] = user(name)
        orgs[name] = create_organization(creator=people[name], name=org_name, stakeholder_type=kind)
        orgs[name].country_id = country
        orgs[name].save()
    now = dt.datetime.now(dt.UTC)
    call = create_call(
        year=2024,
        title="Call for inputs 2024",
        purpose="Inputs for the report of the Secretary-General to the CSTD",
        paragraph="110",
        audience=["un_entities", "regional_commissions"],
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=5),
        languages=["ar", "zh", "en", "fr", "ru", "es"],
        questionnaire=QUESTIONNAIRE,
        by=secretariat,
    )
    invite(call=call, organizations=[orgs["amadou"], orgs["layla"]], by=secretariat)
    return {"secretariat": secretariat, "people": people, "orgs": orgs, "call": call}


def question_ids(call) -> dict[str, str]:
    from wsis.apps.reports.domain.calls import questions

    return {q.kind: str(q.pk) for q in questions(call)}
