"""The organizers' pages: an edition is set up and changed (dates, venue, rooms, submission window),
and a consultation opened on a text split into numbered paragraphs, in chosen languages, then closed
early with its summary published. Bad input is refused with a 400 naming the field and the problem,
and leaves the stored data exactly as it was; scripts typed into the fields are shown escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.forum.conftest import session_data

SCRIPT = '<script>alert("forum")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;forum&quot;)&lt;/script&gt;"
EDITION = {
    "year": "2027",
    "title": "WSIS Forum 2027",
    "starts_on": "2027-07-05",
    "ends_on": "2027-07-09",
    "venue": "ITU headquarters",
    "rooms": "Popov Room\nRoom K",
    "submissions_open": "on",
    "submissions_from": "2027-01-10",
    "submissions_until": "2027-03-31",
}
CONSULTATION = {
    "title": "Draft outcome document 2027",
    "introduction": "Comment on each paragraph.",
    "text": "The Forum reviews the action lines.\r\n\r\nStakeholders share practices.\r\n  \r\nA third.",
    "languages": ["en", "fr"],
    "opens_on": "2026-01-01",
    "closes_on": "2099-12-31",
}


def _state():
    from wsis.apps.forum.models import Consultation, Edition, Paragraph

    return (
        sorted(Edition.objects.values_list()),
        sorted(Consultation.objects.values_list()),
        sorted(Paragraph.objects.values_list()),
    )


@pytest.fixture
def organizer(cast, client):
    client.force_login(cast.organizer)
    return client


@pytest.mark.django_db
def test_an_organizer_sets_up_an_edition_and_its_submission_window_applies(cast, organizer):
    from wsis.apps.forum.domain import ForumError
    from wsis.apps.forum.domain.sessions import submit_session
    from wsis.apps.forum.models import Edition

    response = organizer.post("/en/forum/organize/editions/new/", EDITION)
    assert response.status_code == 302 and response["Location"] == "/en/forum/organize/editions/2027/"
    edition = Edition.objects.get(year=2027)
    assert (edition.title, edition.venue, edition.rooms) == (
        "WSIS Forum 2027",
        "ITU headquarters",
        ["Popov Room", "Room K"],
    )
    assert (edition.starts_on, edition.ends_on) == (dt.date(2027, 7, 5), dt.date(2027, 7, 9))
    # The window is in Geneva days: 00:00 of the first to 24:00 of the last (CET in winter, CEST later).
    assert edition.submissions_from == dt.datetime(2027, 1, 9, 23, tzinfo=dt.UTC)
    assert edition.submissions_until == dt.datetime(2027, 3, 31, 22, tzinfo=dt.UTC)
    page = organizer.get("/en/forum/organize/editions/2027/").content.decode()
    assert "Popov Room\nRoom K</textarea>" in page and 'value="2027-03-31"' in page
    # Today (before the window opens) a stakeholder cannot submit, and the index does not offer it.
    data = session_data(
        starts_at=dt.datetime(2027, 7, 6, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 7, 6, 10, tzinfo=dt.UTC),
    )
    with pytest.raises(ForumError, match="submissions open on 2027-01-09 23:00 UTC"):
        submit_session(edition=edition, organization=cast.org, by=cast.owner, data=data)
    assert (
        "WSIS Forum 2027"
        not in organizer.get("/en/forum/")
        .content.decode()
        .split("Consultations")[0]
        .split("Propose a session")[-1]
    )
    # Inside the window, a session must take one of the edition's rooms.
    edition.submissions_from = timezone.now() - dt.timedelta(days=1)
    edition.save()
    with pytest.raises(ForumError, match="room: 'Room 2, CICG' is not one of Popov Room, Room K"):
        submit_session(edition=edition, organization=cast.org, by=cast.owner, data=data)
    data.room = "Room K"
    assert submit_session(edition=edition, organization=cast.org, by=cast.owner, data=data).room == "Room K"
    # Changed later: the title, and submissions closed early with the switch.
    changed = EDITION | {"title": "WSIS Forum 2027: twenty years on", "submissions_open": ""}
    assert organizer.post("/en/forum/organize/editions/2027/", changed).status_code == 302
    edition.refresh_from_db()
    assert edition.title == "WSIS Forum 2027: twenty years on" and not edition.submissions_open
    with pytest.raises(ForumError, match="submissions are closed"):
        submit_session(edition=edition, organization=cast.org, by=cast.owner, data=data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        ({"year": "2025"}, "year: the 2025 edition exists already"),
        ({"year": "1999"}, "year: 1999 is not between 2009 and 2100"),
        ({"year": "nineteen"}, "year: Enter a whole number."),
        ({"title": "  "}, "title: This field is required."),
        ({"ends_on": "2027-07-01"}, "dates: the last day 2027-07-01 is before the first day 2027-07-05"),
        (
            {"starts_on": "2028-07-05", "ends_on": "2028-07-09"},
            "dates: the first day 2028-07-05 is not in 2027",
        ),
        ({"starts_on": "5 July"}, "starts_on: Enter a valid date."),
        ({"rooms": "Room K\nRoom K"}, "rooms: Room K named twice"),
        ({"submissions_until": "2027-01-01"}, "submission window: it closes before it opens"),
        ({"submissions_until": "2027-07-06"}, "submission window: it closes after the Forum has started"),
    ],
)
def test_a_bad_edition_is_refused_naming_the_problem_and_nothing_changes(cast, organizer, change, message):
    before = _state()
    response = organizer.post("/en/forum/organize/editions/new/", EDITION | change)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert _state() == before


@pytest.mark.django_db
def test_an_edition_with_sessions_keeps_its_year_and_their_days(cast, organizer):
    from wsis.apps.forum.domain.sessions import submit_session

    submit_session(edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data())
    before = _state()
    base = EDITION | {"year": "2025", "starts_on": "2025-07-07", "ends_on": "2025-07-11"}
    base |= {"submissions_from": "", "submissions_until": ""}
    moved = organizer.post(
        "/en/forum/organize/editions/2025/",
        base | {"year": "2024", "starts_on": "2024-07-07", "ends_on": "2024-07-11"},
    )
    assert (
        moved.status_code == 400 and "the 2025 edition has sessions; its year stays" in moved.content.decode()
    )
    shortened = organizer.post("/en/forum/organize/editions/2025/", base | {"ends_on": "2025-07-07"})
    assert "sessions would fall outside the new dates: Meaningful connectivity" in shortened.content.decode()
    assert _state() == before


@pytest.mark.django_db
def test_an_organizer_opens_a_consultation_and_closes_it_publishing_the_summary(cast, organizer):
    from django.test import Client

    from wsis.apps.forum.models import Comment, Consultation

    client = Client()  # the commenter's own browser (``organizer`` is the test's client)

    response = organizer.post("/en/forum/organize/consultations/new/", CONSULTATION)
    assert response.status_code == 302
    consultation = Consultation.objects.get(title="Draft outcome document 2027")
    assert [(p.number, p.text) for p in consultation.paragraphs.all()] == [
        (1, "The Forum reviews the action lines."),
        (2, "Stakeholders share practices."),
        (3, "A third."),
    ]
    assert consultation.languages == ["en", "fr"] and consultation.created_by == cast.organizer
    # Comments in the chosen languages only: the form offers those, the domain refuses another.
    client.force_login(cast.owner)
    page = client.get(f"/en/forum/consultations/{consultation.pk}/").content.decode()
    assert 'value="fr"' in page and 'value="ar"' not in page
    posted = client.post(
        f"/en/forum/consultations/{consultation.pk}/", {"paragraph": 2, "language": "fr", "text": "D'accord."}
    )
    assert posted.status_code == 302
    refused = client.post(
        f"/en/forum/consultations/{consultation.pk}/", {"paragraph": 2, "language": "ru", "text": "Да."}
    )
    assert refused.status_code == 200 and "language" in refused.content.decode()
    assert Comment.objects.count() == 1
    assert client.get(f"/en/forum/consultations/{consultation.pk}/summary.json").status_code == 404
    # Closing: the summary is published at once, with the count per paragraph.
    closed = organizer.post(f"/en/forum/organize/consultations/{consultation.pk}/close/")
    assert (
        closed.status_code == 302
        and closed["Location"] == f"/en/forum/consultations/{consultation.pk}/summary/"
    )
    summary = client.get(f"/en/forum/consultations/{consultation.pk}/summary.json").json()
    assert [p["comments"] for p in summary["paragraphs"]] == [0, 1, 0]
    late = client.post(
        f"/en/forum/consultations/{consultation.pk}/", {"paragraph": 1, "language": "en", "text": "Late"}
    )
    assert late.status_code == 400 and Comment.objects.count() == 1
    # Closing twice is refused with its reason, and changes nothing.
    consultation.refresh_from_db()
    again = organizer.post(f"/en/forum/organize/consultations/{consultation.pk}/close/", follow=True)
    assert "closed already" in again.content.decode()
    assert Consultation.objects.get(pk=consultation.pk).closes_at == consultation.closes_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": ""}, "title: This field is required."),
        ({"text": " \n\n "}, "text: This field is required."),
        ({"languages": []}, "languages: This field is required."),
        ({"languages": ["de"]}, "languages: Select a valid choice."),
        ({"closes_on": "2025-12-01"}, "dates: the consultation closes before it opens"),
        ({"opens_on": "tomorrow"}, "opens_on: Enter a valid date."),
    ],
)
def test_a_bad_consultation_is_refused_naming_the_problem(cast, organizer, change, message):
    before = _state()
    response = organizer.post("/en/forum/organize/consultations/new/", CONSULTATION | change)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state() == before


@pytest.mark.django_db
def test_scripts_in_the_organizers_fields_are_shown_escaped(cast, organizer):
    from wsis.apps.forum.models import Consultation

    assert (
        organizer.post(
            "/en/forum/organize/editions/new/",
            EDITION | {"title": f"Forum {SCRIPT}", "venue": f"Venue {SCRIPT}", "rooms": f"Room {SCRIPT}"},
        ).status_code
        == 302
    )
    fields = {"title": f"Title {SCRIPT}", "introduction": f"Intro {SCRIPT}", "text": f"Para {SCRIPT}"}
    assert organizer.post("/en/forum/organize/consultations/new/", CONSULTATION | fields).status_code == 302
    consultation = Consultation.objects.get()
    for url, shown in [
        ("/en/forum/organize/", ["Forum", "Title"]),
        ("/en/forum/organize/editions/2027/", ["Forum", "Venue", "Room"]),
        (f"/en/forum/consultations/{consultation.pk}/", ["Title", "Intro", "Para"]),
    ]:
        page = organizer.get(url).content.decode()
        assert "<script>alert" not in page, url
        for field in shown:
            assert f"{field} {ESCAPED}" in page, (url, field)
    # A refused form echoes the script escaped too.
    refused = organizer.post("/en/forum/organize/editions/new/", EDITION | {"year": SCRIPT})
    assert refused.status_code == 400 and "<script>alert" not in refused.content.decode()
