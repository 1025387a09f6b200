"""The permission matrix of the Forum: every page and endpoint, for every role, with forged requests
(reviewing without the role, editing another organization's session, posting to a closed consultation,
a missing CSRF token). A denied request answers 400/403/404/405 (or sends an anonymous visitor to sign
in) and changes nothing; an allowed one succeeds and, for the workflow steps, really takes its step.
Modelled on tests/registry/test_permissions.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.forum.conftest import Cast, session_data
from tests.registry.test_permissions import _allowed, _csrf_client, _fill
from tests.registry.test_permissions import _denied as registry_denied

ROLES = [
    "anonymous",
    "user",
    "editor",
    "owner",
    "other_member",
    "facilitator",
    "moderator",
    "secretariat",
    "organizer",
    "admin",
]
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
REVIEWERS = {"organizer", "secretariat", "admin"}
MEMBERS = {"editor", "owner"}
MODERATORS = {"moderator"} | REVIEWERS

EDIT = {
    "title": "Edited title",
    "description": "Edited description",
    "kind": "workshop",
    "action_lines": ["C2"],
    "sdg_targets": "",
    "organizers": "",
    "day": "2025-07-08",
    "start": "11:00",
    "end": "12:00",
    "room": "Room 3",
    "languages": ["en"],
    "speakers": "",
}

EDITION = {
    "year": "2027",
    "title": "WSIS Forum 2027",
    "starts_on": "2027-07-05",
    "ends_on": "2027-07-09",
    "venue": "CICG, Geneva",
    "rooms": "Room 1\nRoom 2",
    "submissions_open": "on",
    "submissions_from": "2027-01-10",
    "submissions_until": "2027-03-31",
}
RENAMED = EDITION | {
    "year": "2025",
    "title": "Renamed",
    "starts_on": "2025-07-07",
    "ends_on": "2025-07-11",
    "submissions_from": "",
    "submissions_until": "",
}
CONSULTATION = {
    "title": "Draft 2027 outcome",
    "introduction": "Comment on each paragraph.",
    "text": "First paragraph.\n\nSecond paragraph.",
    "languages": ["en", "fr"],
    "opens_on": "2026-01-01",
    "closes_on": "2099-12-31",
}

# (name, method, url template, data, allowed roles). Templates use {submitted}, {accepted}, {other},
# {outcome}, {open}, {closed}, {comment}, {closed_comment}, {org}, {other_org}.
PAGES = [
    ("forum index", "get", "/en/forum/", None, EVERYONE),
    ("programme", "get", "/en/forum/2025/", None, EVERYONE),
    ("programme filtered", "get", "/en/forum/2025/?line=C2&language=en", None, EVERYONE),
    ("calendar", "get", "/en/forum/2025/programme.ics", None, EVERYONE),
    ("calendar filtered", "get", "/en/forum/2025/programme.ics?type=workshop", None, EVERYONE),
    ("unpublished programme", "get", "/en/forum/2026/", None, REVIEWERS),
    ("unpublished calendar", "get", "/en/forum/2026/programme.ics", None, REVIEWERS),
    ("statistics", "get", "/en/forum/2025/statistics/", None, EVERYONE),
    ("statistics json", "get", "/en/forum/2025/statistics.json", None, EVERYONE),
    ("statistics csv", "get", "/en/forum/2025/statistics.csv", None, EVERYONE),
    ("unpublished statistics", "get", "/en/forum/2026/statistics.json", None, REVIEWERS),
    ("submit form", "get", "/en/forum/2025/submit/", None, MEMBERS | {"other_member"}),
    ("submit", "post", "/en/forum/2025/submit/", EDIT | {"organization": "{org}"}, MEMBERS),
    (
        "submit for another org",
        "post",
        "/en/forum/2025/submit/",
        EDIT | {"organization": "{other_org}"},
        {"other_member"},
    ),
    ("accepted session", "get", "/en/forum/sessions/{accepted}/", None, EVERYONE),
    ("submitted session", "get", "/en/forum/sessions/{submitted}/", None, MEMBERS | REVIEWERS),
    ("edit form", "get", "/en/forum/sessions/{submitted}/edit/", None, MEMBERS | REVIEWERS),
    ("edit", "post", "/en/forum/sessions/{submitted}/edit/", EDIT, MEMBERS | REVIEWERS),
    (
        "edit another org's session",
        "post",
        "/en/forum/sessions/{other}/edit/",
        EDIT,
        {"other_member"} | REVIEWERS,
    ),
    ("edit after the review", "post", "/en/forum/sessions/{accepted}/edit/", EDIT, REVIEWERS),
    ("review queue", "get", "/en/forum/2025/review/", None, REVIEWERS),
    ("review", "post", "/en/forum/sessions/{submitted}/review/", {"decision": "accept"}, REVIEWERS),
    ("publish", "post", "/en/forum/2026/publish/", {}, REVIEWERS),
    ("outcome form", "get", "/en/forum/sessions/{accepted}/outcome/", None, MEMBERS | REVIEWERS),
    (
        "write outcome",
        "post",
        "/en/forum/sessions/{accepted}/outcome/",
        {"text": "New outcome", "language": "en"},
        MEMBERS | REVIEWERS,
    ),
    ("outcome", "get", "/en/forum/outcomes/{outcome}/", None, EVERYONE),
    ("consultation", "get", "/en/forum/consultations/{open}/", None, EVERYONE),
    (
        "comment",
        "post",
        "/en/forum/consultations/{open}/",
        {"paragraph": 1, "language": "en", "text": "A comment"},
        SIGNED_IN,
    ),
    (
        "comment on a closed consultation",
        "post",
        "/en/forum/consultations/{closed}/",
        {"paragraph": 1, "language": "en", "text": "Too late"},
        set(),
    ),
    (
        "moderate",
        "post",
        "/en/forum/consultations/{open}/comments/{comment}/moderate/",
        {"action": "hide", "reason": "Off topic"},
        MODERATORS,
    ),
    ("summary before the close", "get", "/en/forum/consultations/{open}/summary/", None, EVERYONE),
    ("summary", "get", "/en/forum/consultations/{closed}/summary/", None, EVERYONE),
    ("summary json", "get", "/en/forum/consultations/{closed}/summary.json", None, EVERYONE),
    ("summary json before the close", "get", "/en/forum/consultations/{open}/summary.json", None, set()),
    # The organizers' pages.
    ("organize", "get", "/en/forum/organize/", None, REVIEWERS),
    ("new edition form", "get", "/en/forum/organize/editions/new/", None, REVIEWERS),
    ("create edition", "post", "/en/forum/organize/editions/new/", EDITION, REVIEWERS),
    ("edition form", "get", "/en/forum/organize/editions/2025/", None, REVIEWERS),
    ("edit edition", "post", "/en/forum/organize/editions/2025/", RENAMED, REVIEWERS),
    ("new consultation form", "get", "/en/forum/organize/consultations/new/", None, REVIEWERS),
    ("open consultation", "post", "/en/forum/organize/consultations/new/", CONSULTATION, REVIEWERS),
    ("close consultation", "post", "/en/forum/organize/consultations/{open}/close/", {}, REVIEWERS),
]


@pytest.fixture
def world(db):
    from wsis.apps.forum.domain.consultations import create_consultation, post_comment
    from wsis.apps.forum.domain.outcomes import write_outcome
    from wsis.apps.forum.domain.sessions import create_edition, publish_programme, review, submit_session

    cast = Cast.build()
    accepted = submit_session(edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data())
    review(session=accepted, accept=True, reason="", by=cast.organizer)
    publish_programme(edition=cast.edition)
    submitted = submit_session(
        edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data(title="Pending")
    )
    other = submit_session(
        edition=cast.edition, organization=cast.other_org, by=cast.other, data=session_data(title="Other's")
    )
    next_year = create_edition(
        year=2026, title="WSIS Forum 2026", starts_on=dt.date(2026, 7, 6), ends_on=dt.date(2026, 7, 10)
    )
    from tests.forum.conftest import GENEVA

    waiting = submit_session(
        edition=next_year,
        organization=cast.org,
        by=cast.owner,
        data=session_data(
            starts_at=dt.datetime(2026, 7, 7, 9, tzinfo=GENEVA),
            ends_at=dt.datetime(2026, 7, 7, 10, tzinfo=GENEVA),
        ),
    )
    review(session=waiting, accept=True, reason="", by=cast.organizer)
    outcome = write_outcome(session=accepted, text="The outcome.", language="en", by=cast.owner)
    now = timezone.now()
    open_one = create_consultation(
        title="Open",
        paragraphs=["One.", "Two."],
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1),
        by=cast.organizer,
    )
    closed = create_consultation(
        title="Closing",
        paragraphs=["One."],
        opens_at=now - dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=1),
        by=cast.organizer,
    )
    comment = post_comment(consultation=open_one, paragraph=1, text="First", language="fr", by=cast.owner)
    post_comment(consultation=closed, paragraph=1, text="Kept", language="en", by=cast.owner)
    closed.closes_at = now - dt.timedelta(hours=1)
    closed.save()
    cast.ids = {
        "accepted": accepted.pk,
        "submitted": submitted.pk,
        "other": other.pk,
        "outcome": outcome.public_id,
        "open": open_one.pk,
        "closed": closed.pk,
        "comment": comment.pk,
        "org": cast.org.pk,
        "other_org": cast.other_org.pk,
    }
    return cast


def _user(world, role):
    return {
        "anonymous": None,
        "user": world.outsider,
        "editor": world.editor,
        "owner": world.owner,
        "other_member": world.other,
        "facilitator": world.facilitator,
        "moderator": world.moderator,
        "secretariat": world.secretariat,
        "organizer": world.organizer,
        "admin": world.admin,
    }[role]


def snapshot() -> dict:
    from wsis.apps.forum.models import (
        Comment,
        Consultation,
        Edition,
        ModerationEntry,
        Outcome,
        Paragraph,
        Session,
        Speaker,
    )

    return {
        "sessions": sorted(Session.objects.values_list("pk", "state", "title", "room", "starts_at")),
        "speakers": Speaker.objects.count(),
        "outcomes": sorted(Outcome.objects.values_list("pk", "text")),
        "comments": sorted(Comment.objects.values_list("pk", "hidden", "text")),
        "moderation": ModerationEntry.objects.count(),
        "editions": sorted(
            Edition.objects.values_list("pk", "year", "title", "programme_published_at", "rooms")
        ),
        "consultations": sorted(Consultation.objects.values_list("pk", "title", "closes_at", "languages")),
        "paragraphs": Paragraph.objects.count(),
    }


def _denied(response) -> bool:
    """As the registry's matrix, plus 400: a closed consultation refuses a comment as a bad request."""
    return response.status_code == 400 or registry_denied(response)


def _took_its_step(name: str, world, before: dict) -> None:
    from wsis.apps.forum.models import Comment, Consultation, Edition, Outcome, Session

    ids = world.ids
    if name in ("submit", "submit for another org"):
        assert Session.objects.count() == len(before["sessions"]) + 1
    elif name in ("edit", "edit another org's session", "edit after the review"):
        key = {
            "edit": "submitted",
            "edit another org's session": "other",
            "edit after the review": "accepted",
        }[name]
        assert Session.objects.get(pk=ids[key]).title == "Edited title"
    elif name == "review":
        assert Session.objects.get(pk=ids["submitted"]).state == "accepted"
    elif name == "publish":
        assert Edition.objects.get(year=2026).programme_published_at is not None
    elif name == "write outcome":
        assert Outcome.objects.get(session_id=ids["accepted"]).text == "New outcome"
    elif name == "comment":
        assert Comment.objects.count() == len(before["comments"]) + 1
    elif name == "moderate":
        assert Comment.objects.get(pk=ids["comment"]).hidden
    elif name == "create edition":
        assert Edition.objects.get(year=2027).rooms == ["Room 1", "Room 2"]
    elif name == "edit edition":
        assert Edition.objects.get(year=2025).title == "Renamed"
    elif name == "open consultation":
        made = Consultation.objects.get(title="Draft 2027 outcome")
        assert [p.text for p in made.paragraphs.all()] == ["First paragraph.", "Second paragraph."]
    elif name == "close consultation":
        assert Consultation.objects.get(pk=ids["open"]).closes_at <= timezone.now()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", PAGES, ids=[c[0] for c in PAGES])
def test_pages(world, case, role):
    name, method, url, data, allowed = case
    client, token = _csrf_client(_user(world, role))
    before = snapshot()
    if method == "get":
        response = client.get(_fill(url, world.ids))
    else:
        body = {k: _fill(v, world.ids) for k, v in data.items()}
        response = client.post(_fill(url, world.ids), body, headers={"X-CSRFToken": token})
    if role in allowed:
        assert _allowed(response), f"{name} as {role}: {response.status_code}"
        if method == "post":
            _took_its_step(name, world, before)
    else:
        assert _denied(response), f"{name} as {role} should be denied: {response.status_code}"
        assert snapshot() == before, f"{name} as {role} changed data although denied"


POSTS = [c for c in PAGES if c[1] == "post"]


@pytest.mark.parametrize("case", POSTS, ids=[c[0] for c in POSTS])
def test_missing_csrf_is_refused(world, case):
    """The same POSTs by an admin, allowed to make them, without the CSRF token: refused, nothing changed."""
    name, _method, url, data, _allowed_roles = case
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    before = snapshot()
    response = client.post(_fill(url, world.ids), {k: _fill(v, world.ids) for k, v in data.items()})
    assert response.status_code == 403, name
    assert snapshot() == before
