"""A Forum outcome statement is cited from its action line's workspace ("Forum outcomes of this line"),
through the source the Forum registers with the workspaces app, at the outcome's permanent URL; another
line's workspace does not cite it, and nothing is cited before the programme is public."""

from __future__ import annotations

import pytest

from tests.forum.conftest import session_data


@pytest.mark.django_db
def test_the_outcome_is_cited_from_the_line_workspace(cast, client):
    from wsis.apps.accounts.domain.staff import make_facilitator
    from wsis.apps.forum.domain.outcomes import write_outcome
    from wsis.apps.forum.domain.sessions import publish_programme, review, submit_session
    from wsis.apps.workspaces.domain.setup import line_of, set_up

    set_up(line=line_of("C2"), purpose="Infrastructure coordination", by=cast.facilitator)
    other = type(cast.facilitator).objects.create_user("fac_c5")
    make_facilitator(user=other, line_code="C5")
    set_up(line=line_of("C5"), purpose="Security", by=other)
    session = submit_session(edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data())
    review(session=session, accept=True, reason="", by=cast.organizer)
    outcome = write_outcome(session=session, text="Common indicators.", language="en", by=cast.owner)
    url = f"/en/forum/outcomes/{outcome.public_id}/"
    assert url not in client.get("/en/workspaces/C2/").content.decode()  # programme not yet public

    publish_programme(edition=cast.edition)
    page = client.get("/en/workspaces/C2/").content.decode()
    assert "Forum outcomes of this line" in page
    assert (
        f'<a href="{url}">WSIS+20 Forum High-Level Event 2025: Meaningful connectivity for rural schools</a>'
        in page
    )
    assert "(2025-07-08)" in page
    assert client.get(url).status_code == 200
    assert url not in client.get("/en/workspaces/C5/").content.decode()
    assert f"/fr/forum/outcomes/{outcome.public_id}/" in client.get("/fr/workspaces/C2/").content.decode()
