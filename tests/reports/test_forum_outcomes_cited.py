"""The annual report's international-level section cites the year's published Forum outcome statements
per action line, each linked at its permanent URL, in HTML and DOCX; an outcome whose programme is not
published, or of another year's Forum, is not cited. The report is generated from the shared real data
(``site_data``), the Forum's sessions through its own domain functions."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from tests.registry.factories import user

YEAR = 2024
GENEVA = ZoneInfo("Europe/Zurich")


def _accepted_session(edition, organization, by, organizer, title, lines):
    from wsis.apps.forum.domain.sessions import SessionData, review, submit_session

    day = edition.starts_on
    session = submit_session(
        edition=edition,
        organization=organization,
        by=by,
        data=SessionData(
            title=title,
            description="What the session discussed.",
            kind="facilitation",
            action_lines=lines,
            starts_at=dt.datetime(day.year, day.month, day.day, 10, tzinfo=GENEVA),
            ends_at=dt.datetime(day.year, day.month, day.day, 11, tzinfo=GENEVA),
            room="Room A",
            languages=["en"],
        ),
    )
    return review(session=session, accept=True, reason="", by=organizer)


@pytest.fixture
def forum(db):
    from wsis.apps.accounts.domain.organizations import create_organization
    from wsis.apps.forum.domain.outcomes import write_outcome
    from wsis.apps.forum.domain.sessions import create_edition, publish_programme
    from wsis.apps.forum.models import ForumOrganizer

    organizer, member = user("forum-organizer"), user("forum-member")
    ForumOrganizer.objects.create(user=organizer)
    org = create_organization(creator=member, name="Connectivity Alliance", stakeholder_type="private")
    edition = create_edition(
        year=YEAR, title="WSIS Forum 2024", starts_on=dt.date(2024, 5, 27), ends_on=dt.date(2024, 5, 31)
    )
    c2 = _accepted_session(edition, org, member, organizer, "Backbone for landlocked countries", ["C2"])
    c7 = _accepted_session(edition, org, member, organizer, "Telemedicine at scale", ["C7.e"])
    outcomes = [
        write_outcome(session=c2, text="Share backbone maps.", language="en", by=member),
        write_outcome(session=c7, text="Pool telemedicine evidence.", language="en", by=member),
    ]
    earlier = create_edition(
        year=2023, title="WSIS Forum 2023", starts_on=dt.date(2023, 3, 13), ends_on=dt.date(2023, 3, 17)
    )
    old = _accepted_session(earlier, org, member, organizer, "Last year's backbone session", ["C2"])
    write_outcome(session=old, text="Old outcome.", language="en", by=member)
    publish_programme(edition=earlier)
    return {"edition": edition, "outcomes": outcomes, "publish": lambda: publish_programme(edition=edition)}


def _html(language: str = "en") -> str:
    from wsis.apps.reports.domain.document import document
    from wsis.apps.reports.domain.drafts import generate
    from wsis.apps.reports.interfaces.render import html

    return html(document(generate(kind="annual", year=YEAR, language=language)))


@pytest.mark.django_db
def test_published_outcomes_are_cited_with_their_permanent_urls(site_data, forum):
    from wsis.apps.reports.domain.document import document
    from wsis.apps.reports.interfaces.render import docx
    from wsis.apps.reports.models import Report

    # Before the programme is published, its outcome statements are not public: the report cites none.
    page = _html()
    assert "Backbone for landlocked countries" not in page
    assert "/forum/outcomes/" not in page
    forum["publish"]()
    page = _html()
    c2, c7 = forum["outcomes"]
    for outcome, line in ((c2, "C2"), (c7, "C7")):
        link = f'<a href="/en/forum/outcomes/{outcome.public_id}/">{outcome.session.title}</a>'
        assert link in page, f"{line}: {outcome.session.title} not linked"
        paragraph = page[page.index(f'id="para-internationalforum{line.lower()}"') :]
        assert f"on action line {line} " in paragraph.split("</div>")[0]
    # The section is the international level's, and another year's outcome is not cited.
    assert page.index("Implementation and follow-up at the international level") < page.index(
        f"/en/forum/outcomes/{c2.public_id}/"
    )
    assert "Last year&#x27;s backbone session" not in page and "Last year's backbone session" not in page
    # The permanent URL answers with the outcome statement.
    from django.test import Client

    assert "Share backbone maps." in Client().get(f"/en/forum/outcomes/{c2.public_id}/").content.decode()
    # The DOCX carries the same links as text.
    from docx import Document

    report = Report.objects.get(kind="annual", year=YEAR, language="en")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx(document(report)))).paragraphs)
    assert f"/en/forum/outcomes/{c2.public_id}/" in text


@pytest.mark.django_db
def test_the_french_report_links_the_french_url_and_says_it_in_french(site_data, forum):
    forum["publish"]()
    page = _html("fr")
    c2 = forum["outcomes"][0]
    assert f'href="/fr/forum/outcomes/{c2.public_id}/"' in page
    assert "Le Forum du SMSI 2024 a publié" in page
