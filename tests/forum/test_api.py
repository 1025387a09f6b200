"""The read-only Forum API (/api/v1/forum/): what the JSON shows, not only the status codes. Only what
the Forum publishes appears - editions with a published programme, accepted sessions, their published
outcome statements, the statistics, a closed consultation's summary - and never a session under review
or rejected, an unpublished edition, a speaker's declared gender, or a moderated-out comment. Odd
parameters answer 4xx with a message, and the OpenAPI description documents every answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.forum.conftest import GENEVA, session_data

API = "/api/v1/forum"


@pytest.fixture
def published(cast):
    from wsis.apps.forum.domain.consultations import create_consultation, moderate, post_comment
    from wsis.apps.forum.domain.outcomes import write_outcome
    from wsis.apps.forum.domain.sessions import create_edition, publish_programme, review, submit_session

    accepted = submit_session(edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data())
    review(session=accepted, accept=True, reason="", by=cast.organizer)
    workshop = submit_session(
        edition=cast.edition,
        organization=cast.other_org,
        by=cast.other,
        data=session_data(
            title="High-level dialogue",
            kind="high_level",
            action_lines=["C1"],
            sdg_targets=[],
            languages=["ar", "en"],
            starts_at=GENEVA_TIME(9, 14),
            ends_at=GENEVA_TIME(9, 15),
            speakers=[],
        ),
    )
    review(session=workshop, accept=True, reason="", by=cast.organizer)
    pending = submit_session(
        edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data(title="Still pending")
    )
    rejected = submit_session(
        edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data(title="Turned down")
    )
    review(session=rejected, accept=False, reason="Out of scope", by=cast.organizer)
    publish_programme(edition=cast.edition)
    outcome = write_outcome(
        session=accepted, text="Agreed on shared indicators.", language="en", by=cast.owner
    )
    hidden_year = create_edition(
        year=2026, title="WSIS Forum 2026", starts_on=dt.date(2026, 7, 6), ends_on=dt.date(2026, 7, 10)
    )
    now = timezone.now()
    consultation = create_consultation(
        title="Draft outcome document",
        paragraphs=["The Forum reviews the action lines.", "Stakeholders share practices."],
        opens_at=now - dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=2),
        by=cast.organizer,
    )
    post_comment(
        consultation=consultation,
        paragraph=1,
        text="Il faut des indicateurs.",
        language="fr",
        by=cast.owner,
        organization=cast.org,
    )
    post_comment(consultation=consultation, paragraph=1, text="نقترح المؤشرات.", language="ar", by=cast.other)
    spam = post_comment(
        consultation=consultation, paragraph=2, text="Buy routers", language="es", by=cast.other
    )
    moderate(comment=spam, hide=True, reason="Advertising", by=cast.moderator)
    return {
        "accepted": accepted,
        "workshop": workshop,
        "pending": pending,
        "rejected": rejected,
        "outcome": outcome,
        "hidden_year": hidden_year,
        "consultation": consultation,
    }


def GENEVA_TIME(day: int, hour: int) -> dt.datetime:  # noqa: N802 - reads as a constructor
    return dt.datetime(2025, 7, day, hour, tzinfo=GENEVA)


def _json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.mark.django_db
def test_editions_list_only_published_programmes(client, published):
    editions = _json(client, f"{API}/editions")
    assert [e["year"] for e in editions] == [2025]
    assert editions[0]["title"] == "WSIS+20 Forum High-Level Event 2025"
    assert editions[0]["starts_on"] == "2025-07-07" and editions[0]["time_zone"] == "Europe/Zurich"
    assert _json(client, f"{API}/editions/2025")["venue"] == "CICG, Geneva"
    assert "no published programme" in _json(client, f"{API}/editions/2026", 404)["detail"]
    assert _json(client, f"{API}/editions/2026/programme", 404)
    assert _json(client, f"{API}/editions/2026/statistics", 404)


@pytest.mark.django_db
def test_programme_shows_accepted_sessions_with_everything_a_programme_needs(client, published):
    body = _json(client, f"{API}/editions/2025/programme")
    titles = [s["title"] for s in body["sessions"]]
    assert titles == ["Meaningful connectivity for rural schools", "High-level dialogue"]
    assert "Still pending" not in str(body) and "Turned down" not in str(body)
    first = body["sessions"][0]
    assert first["type"] == "workshop"
    assert first["action_lines"] == ["C2", "C7.e"]
    assert sorted(first["sdg_targets"]) == ["4.a", "9.c"]
    assert first["organizers"] == [
        {"name": "Rural Connect", "stakeholder_type": "civil_society", "country": "SEN"}
    ]
    assert first["speakers"][0] == {
        "name": "Amina Diallo",
        "organization": "Rural Connect",
        "stakeholder_type": "civil_society",
        "country": "SEN",
    }
    assert all("gender" not in s for s in first["speakers"]), "declared gender is only counted, never listed"
    assert first["languages"] == ["en", "fr"]
    assert first["starts_at"] == "2025-07-08T09:30:00+02:00" and first["room"] == "Room 2, CICG"
    assert first["outcome"] == str(published["outcome"].public_id)
    assert body["sessions"][1]["outcome"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, titles",
    [
        ({"type": "high_level"}, ["High-level dialogue"]),
        ({"line": "C7"}, ["Meaningful connectivity for rural schools"]),  # C7 covers C7.e
        ({"language": "ar"}, ["High-level dialogue"]),
        ({"stakeholder": "private"}, ["High-level dialogue"]),
        ({"day": "2025-07-08"}, ["Meaningful connectivity for rural schools"]),
        ({"day": "2025-07-10"}, []),
    ],
)
def test_programme_filters_as_on_the_programme_page(client, published, params, titles):
    body = _json(client, f"{API}/editions/2025/programme", **params)
    assert [s["title"] for s in body["sessions"]] == titles
    assert body["filters"] == params


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, named",
    [
        ({"type": "<script>"}, "type"),
        ({"line": "C99"}, "line"),
        ({"language": "de"}, "language"),
        ({"stakeholder": "martians"}, "stakeholder"),
        ({"day": "someday"}, "day"),
        ({"day": "2024-01-01"}, "day"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(client, published, params, named):
    assert _json(client, f"{API}/editions/2025/programme", 400, **params)["detail"].startswith(f"{named}:")


@pytest.mark.django_db
def test_outcome_statements_only_of_public_sessions(client, published):
    outcome = _json(client, f"{API}/sessions/{published['accepted'].pk}/outcome")
    assert outcome["id"] == str(published["outcome"].public_id)
    assert outcome["text"] == "Agreed on shared indicators."
    assert outcome["action_lines"] == ["C2", "C7.e"] and outcome["edition"] == 2025
    for session in ("workshop", "pending", "rejected"):
        assert _json(client, f"{API}/sessions/{published[session].pk}/outcome", 404)["detail"]


@pytest.mark.django_db
def test_an_outcome_of_an_unpublished_programme_stays_hidden(client, cast):
    from wsis.apps.forum.domain.outcomes import write_outcome
    from wsis.apps.forum.domain.sessions import review, submit_session

    session = submit_session(edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data())
    review(session=session, accept=True, reason="", by=cast.organizer)
    write_outcome(session=session, text="Not yet public.", language="en", by=cast.owner)
    assert "Not yet public" not in str(_json(client, f"{API}/sessions/{session.pk}/outcome", 404))
    assert _json(client, f"{API}/editions") == []


@pytest.mark.django_db
def test_statistics_count_the_accepted_sessions_and_their_speakers(client, published):
    stats = _json(client, f"{API}/editions/2025/statistics")
    assert stats["sessions"] == 2 and stats["speakers"] == 3
    rows = {(r["measure"], r["dimension"], r["key"]): r["count"] for r in stats["rows"]}
    assert rows[("speakers", "gender", "woman")] == 1 and rows[("speakers", "gender", "")] == 1
    assert rows[("sessions", "stakeholder_type", "private")] == 1


@pytest.mark.django_db
def test_consultation_summary_after_the_close_without_moderated_comments(client, published):
    consultation = published["consultation"]
    assert (
        "no published summary"
        in _json(client, f"{API}/consultations/{consultation.pk}/summary", 404)["detail"]
    )
    consultation.closes_at = timezone.now() - dt.timedelta(minutes=1)
    consultation.save()
    summary = _json(client, f"{API}/consultations/{consultation.pk}/summary")
    assert summary["title"] == "Draft outcome document"
    first, second = summary["paragraphs"]
    assert first == {
        "number": 1,
        "text": "The Forum reviews the action lines.",
        "comments": 2,
        "by_language": {"ar": 1, "fr": 1},
        "by_stakeholder_type": {"": 1, "civil_society": 1},
    }
    assert second["comments"] == 0 and second["by_language"] == {}, "the moderated-out comment counts"
    assert "Buy routers" not in str(summary) and "Il faut" not in str(summary)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/editions/0",
        "/editions/99999999999999999999",
        "/sessions/0/outcome",
        "/sessions/9223372036854775808/outcome",
        "/consultations/99999999999/summary",
        "/editions/abc",
        "/sessions/-1/outcome",
    ],
)
def test_odd_parameters_are_4xx_not_5xx(client, published, url):
    response = client.get(API + url)
    assert 400 <= response.status_code < 500, (url, response.status_code)


def test_the_openapi_description_documents_every_answer(client):
    spec = client.get("/api/v1/openapi.json").json()
    forum = {p: ops for p, ops in spec["paths"].items() if p.startswith(API)}
    assert len(forum) == 6
    for path, operations in forum.items():
        for method, operation in operations.items():
            assert "200" in operation["responses"], (path, method)
            if "{" in path:
                assert {"400", "404"} <= set(operation["responses"]), (path, method)
            assert operation["summary"], (path, method)
