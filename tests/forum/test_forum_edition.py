"""A Forum edition end to end, through the pages: a stakeholder submits a session, the organizers accept
it and publish the programme, the session is in the programme (with its filters) and in the iCalendar
feed, read back with the ``icalendar`` package: summary, start and end in Geneva time, location, URL."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from tests.forum.conftest import geneva

SUBMISSION = {
    "organization": "",  # filled with the organization's id
    "title": "Meaningful connectivity for rural schools",
    "description": "How school connectivity projects measure what pupils gain.",
    "kind": "workshop",
    "action_lines": ["C2", "C7.e"],
    "sdg_targets": "4.a, 9.c",
    "organizers": "Other Org",
    "day": "2025-07-08",
    "start": "09:30",
    "end": "10:45",
    "room": "Room 2",
    "languages": ["en", "fr"],
    "speakers": "Amina Diallo | Rural Connect | civil_society | SEN | woman\n"
    "Jean Martin | Ministère du numérique | government | FRA",
}


@pytest.mark.django_db
def test_a_session_is_submitted_accepted_published_and_in_the_calendar(cast, client):
    from wsis.apps.forum.models import Session

    client.force_login(cast.editor)
    response = client.post("/en/forum/2025/submit/", SUBMISSION | {"organization": cast.org.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    session = Session.objects.get()
    assert session.state == "submitted" and session.organization == cast.org
    assert session.starts_at == geneva(8, 9, 30) == dt.datetime(2025, 7, 8, 7, 30, tzinfo=dt.UTC)
    assert {o.name for o in session.organizers.all()} == {"Rural Connect", "Other Org"}
    assert [(s.name, s.country_id, s.gender) for s in session.speakers.all()] == [
        ("Amina Diallo", "SEN", "woman"),
        ("Jean Martin", "FRA", ""),
    ]
    # Not public before the review and the publication of the programme.
    client.logout()
    assert client.get(f"/en/forum/sessions/{session.pk}/").status_code == 404
    assert client.get("/en/forum/2025/").status_code == 404

    client.force_login(cast.organizer)
    assert "Meaningful connectivity" in client.get("/en/forum/2025/review/").content.decode()
    client.post(f"/en/forum/sessions/{session.pk}/review/", {"decision": "accept", "reason": ""})
    client.post("/en/forum/2025/publish/")
    session.refresh_from_db()
    assert session.state == "accepted" and session.reviewed_by == cast.organizer

    client.logout()
    page = client.get("/en/forum/2025/").content.decode()
    assert "Meaningful connectivity for rural schools" in page
    assert "2025-07-08 09:30–10:45" in page  # Geneva time on the page
    # Filters work from the query string alone (a plain GET form, no script).
    for query, shown in [
        ("day=2025-07-08", True),
        ("day=2025-07-09", False),
        ("type=workshop", True),
        ("type=high_level", False),
        ("line=C7", True),  # a line covers its sub-lines
        ("line=C5", False),
        ("language=fr", True),
        ("language=ar", False),
        ("stakeholder=private", True),  # Other Org co-organizes
        ("stakeholder=government", False),
    ]:
        found = "Meaningful connectivity" in client.get(f"/en/forum/2025/?{query}").content.decode()
        assert found == shown, query
    bad = client.get("/en/forum/2025/?day=2025-13-01&line=C99")
    assert bad.status_code == 400
    assert (
        "day: &#x27;2025-13-01&#x27; is not a date" in bad.content.decode() and "C99" in bad.content.decode()
    )

    # The iCalendar feed, whole and filtered, parsed back.
    response = client.get("/en/forum/2025/programme.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Meaningful connectivity for rural schools"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == dt.datetime(2025, 7, 8, 7, 30, tzinfo=dt.UTC)
    assert end == dt.datetime(2025, 7, 8, 8, 45, tzinfo=dt.UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Zurich" and start.hour == 9
    assert str(start.tzinfo) == "Europe/Zurich" and start.utcoffset() == dt.timedelta(hours=2)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Zurich"]
    assert str(event["LOCATION"]) == "Room 2, CICG, Geneva"
    assert str(event["URL"]) == f"http://testserver/en/forum/sessions/{session.pk}/"
    assert client.get(str(event["URL"])).status_code == 200
    filtered = icalendar.Calendar.from_ical(client.get("/en/forum/2025/programme.ics?line=C5").content)
    assert list(filtered.walk("VEVENT")) == []
    assert (
        len(
            list(
                icalendar.Calendar.from_ical(
                    client.get("/en/forum/2025/programme.ics?language=fr").content
                ).walk("VEVENT")
            )
        )
        == 1
    )


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_keeps_the_session_out_of_the_programme(cast, client):
    from tests.forum.conftest import session_data
    from wsis.apps.forum.domain.sessions import publish_programme, submit_session
    from wsis.apps.forum.models import Session

    kept = submit_session(edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data())
    gone = submit_session(
        edition=cast.edition,
        organization=cast.other_org,
        by=cast.other,
        data=session_data(title="Off-topic pitch"),
    )
    client.force_login(cast.secretariat)
    response = client.post(
        f"/en/forum/sessions/{gone.pk}/review/", {"decision": "reject", "reason": ""}, follow=True
    )
    assert "a rejection needs its reason" in response.content.decode()
    assert Session.objects.get(pk=gone.pk).state == "submitted"
    client.post(
        f"/en/forum/sessions/{gone.pk}/review/",
        {"decision": "reject", "reason": "Not on the WSIS action lines"},
    )
    client.post(f"/en/forum/sessions/{kept.pk}/review/", {"decision": "accept"})
    publish_programme(edition=cast.edition)
    gone.refresh_from_db()
    assert gone.state == "rejected" and gone.decision_reason == "Not on the WSIS action lines"
    client.logout()
    page = client.get("/en/forum/2025/").content.decode()
    assert "Meaningful connectivity" in page and "Off-topic pitch" not in page
    assert client.get(f"/en/forum/sessions/{gone.pk}/").status_code == 404
    # The submitting organization still sees its rejected session and the reason.
    client.force_login(cast.other)
    assert "Not on the WSIS action lines" in client.get(f"/en/forum/sessions/{gone.pk}/").content.decode()


@pytest.mark.django_db
def test_bad_submission_names_every_problem_and_stores_nothing(cast, client):
    from wsis.apps.forum.models import Session, Speaker

    client.force_login(cast.owner)
    bad = SUBMISSION | {
        "organization": cast.org.pk,
        "day": "2025-08-01",
        "sdg_targets": "99.z",
        "speakers": "Someone | Somewhere | aliens | XXX | robot",
    }
    page = client.post("/en/forum/2025/submit/", bad).content.decode()
    assert "date: 2025-08-01 is outside the Forum" in page
    assert "SDG targets: no target 99.z" in page
    assert "speaker 1: stakeholder type &#x27;aliens&#x27; unknown" in page
    assert "speaker 1: gender &#x27;robot&#x27; unknown" in page
    assert "speaker 1: no economy &#x27;XXX&#x27;" in page
    assert not Session.objects.exists() and not Speaker.objects.exists()


@pytest.mark.django_db
def test_outcome_statement_has_a_permanent_url_and_is_cited_by_action_line(cast, client):
    from tests.forum.conftest import session_data
    from wsis.apps.forum.domain import outcomes
    from wsis.apps.forum.domain.sessions import publish_programme, review, submit_session

    session = submit_session(edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data())
    client.force_login(cast.owner)
    # Not before the session is accepted.
    assert (
        client.post(
            f"/en/forum/sessions/{session.pk}/outcome/", {"text": "Early", "language": "en"}
        ).status_code
        == 200
    )
    assert outcomes.for_action_line("C2", 2025) == []
    review(session=session, accept=True, reason="", by=cast.organizer)
    response = client.post(
        f"/en/forum/sessions/{session.pk}/outcome/",
        {"text": "Les participants demandent des indicateurs communs.", "language": "fr"},
    )
    assert response.status_code == 302
    url = response["Location"]
    # Not public until the programme is published.
    client.logout()
    assert client.get(url).status_code == 404
    assert outcomes.for_action_line("C2", 2025) == []
    publish_programme(edition=cast.edition)
    page = client.get(url).content.decode()
    assert '<div lang="fr" dir="ltr"><p>Les participants demandent des indicateurs communs.</p></div>' in page
    cited = outcomes.for_action_line("C2", 2025)
    assert [o.session_id for o in cited] == [session.pk]
    assert [o.session_id for o in outcomes.for_action_line("C7", 2025)] == [session.pk]  # via C7.e
    assert outcomes.for_action_line("C5", 2025) == [] and outcomes.for_action_line("C2", 2024) == []
    # A correction keeps the URL.
    client.force_login(cast.editor)
    again = client.post(f"/en/forum/sessions/{session.pk}/outcome/", {"text": "Corrected.", "language": "en"})
    assert again["Location"] == url
    assert "Corrected." in client.get(url).content.decode()
