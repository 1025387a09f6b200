"""Scripts typed into any text field of the Forum are shown as text, never run: every page that shows the
field is checked for the escaped text and the absence of the raw tag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.forum.conftest import session_data

SCRIPT = '<script>alert("forum")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;forum&quot;)&lt;/script&gt;"


def _shows_escaped(client, url: str) -> None:
    page = client.get(url).content.decode()
    assert ESCAPED in page, f"{url}: the text is not shown"
    assert SCRIPT not in page and "<script>alert" not in page, f"{url}: a script got through"


@pytest.mark.django_db
def test_scripts_in_every_text_field_are_escaped(cast, client):
    from wsis.apps.forum.domain.consultations import create_consultation, post_comment
    from wsis.apps.forum.domain.outcomes import write_outcome
    from wsis.apps.forum.domain.sessions import SpeakerData, publish_programme, review, submit_session

    cast.org.name = f"Org {SCRIPT}"
    cast.org.save()
    session = submit_session(
        edition=cast.edition,
        organization=cast.org,
        by=cast.owner,
        data=session_data(
            title=f"Title {SCRIPT}",
            description=f"Description {SCRIPT}",
            room=f"Room {SCRIPT}",
            speakers=[SpeakerData(f"Name {SCRIPT}", f"Speaker org {SCRIPT}", "academia", "KEN", "")],
        ),
    )
    review(session=session, accept=True, reason=f"Reason {SCRIPT}", by=cast.organizer)
    publish_programme(edition=cast.edition)
    outcome = write_outcome(session=session, text=f"Outcome {SCRIPT}", language="en", by=cast.owner)
    now = timezone.now()
    consultation = create_consultation(
        title=f"Consultation {SCRIPT}",
        introduction=f"Introduction {SCRIPT}",
        paragraphs=[f"Paragraph {SCRIPT}"],
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1),
        by=cast.organizer,
    )
    post_comment(
        consultation=consultation,
        paragraph=1,
        text=f"Comment {SCRIPT}",
        language="en",
        by=cast.owner,
        organization=cast.org,
    )

    for url in [
        "/en/forum/2025/",
        f"/en/forum/sessions/{session.pk}/",
        f"/en/forum/outcomes/{outcome.public_id}/",
        f"/en/forum/consultations/{consultation.pk}/",
        "/en/forum/",
    ]:
        _shows_escaped(client, url)
    page = client.get(f"/en/forum/sessions/{session.pk}/").content.decode()
    for field in ("Title", "Description", "Room", "Name", "Speaker org", "Reason", "Org"):
        assert f"{field} {ESCAPED}" in page, field
    consultation_page = client.get(f"/en/forum/consultations/{consultation.pk}/").content.decode()
    for field in ("Consultation", "Introduction", "Paragraph", "Comment"):
        assert f"{field} {ESCAPED}" in consultation_page, field
    # The review queue and the summary, as the staff and the public see them.
    client.force_login(cast.organizer)
    _shows_escaped(client, "/en/forum/2025/review/")
    consultation.closes_at = now - dt.timedelta(seconds=1)
    consultation.save()
    client.logout()
    _shows_escaped(client, f"/en/forum/consultations/{consultation.pk}/summary/")
    # A filter value that is a script is refused and echoed escaped.
    bad = client.get("/en/forum/2025/", {"type": SCRIPT})
    assert bad.status_code == 400 and SCRIPT not in bad.content.decode()
