"""Statistics of an edition with known speakers: accepted sessions and their speakers by stakeholder type,
M49 region (from the organization's country) and declared gender, on the page and as JSON and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from tests.forum.conftest import geneva, session_data


@pytest.mark.django_db
def test_statistics_count_known_speakers(cast, client):
    from wsis.apps.forum.domain.sessions import SpeakerData, publish_programme, review, submit_session

    first = submit_session(edition=cast.edition, organization=cast.org, by=cast.owner, data=session_data())
    second = submit_session(
        edition=cast.edition,
        organization=cast.other_org,
        by=cast.other,
        data=session_data(
            title="Cloud for small businesses",
            kind="thematic",
            starts_at=geneva(9, 14),
            ends_at=geneva(9, 15),
            speakers=[
                SpeakerData("Hana Sato", "Other Org", "private", "JPN", "woman"),
                SpeakerData("Ola Nordmann", "Other Org", "private", "NOR", "other"),
            ],
        ),
    )
    rejected = submit_session(
        edition=cast.edition,
        organization=cast.other_org,
        by=cast.other,
        data=session_data(title="Not kept", speakers=[SpeakerData("X", "Y", "government", "BRA", "man")]),
    )
    review(session=first, accept=True, reason="", by=cast.organizer)
    review(session=second, accept=True, reason="", by=cast.organizer)
    review(session=rejected, accept=False, reason="Duplicate", by=cast.organizer)
    publish_programme(edition=cast.edition)

    data = client.get("/en/forum/2025/statistics.json").json()
    assert (data["sessions"], data["speakers"]) == (2, 5)
    table = {(r["measure"], r["dimension"], r["key"]): r["count"] for r in data["rows"]}
    # Sessions by the organizers' types and regions: Rural Connect (civil society, Senegal: Africa) and
    # Other Org (private, Germany: Europe).
    assert table[("sessions", "stakeholder_type", "civil_society")] == 1
    assert table[("sessions", "stakeholder_type", "private")] == 1
    assert table[("sessions", "region", "002")] == 1 and table[("sessions", "region", "150")] == 1
    # Speakers: SEN (Africa), FRA, NOR (Europe), KOR, JPN (Asia).
    assert table[("speakers", "stakeholder_type", "private")] == 2
    assert table[("speakers", "stakeholder_type", "civil_society")] == 1
    assert table[("speakers", "stakeholder_type", "government")] == 1
    assert table[("speakers", "stakeholder_type", "academia")] == 1
    assert table[("speakers", "region", "002")] == 1
    assert table[("speakers", "region", "150")] == 2
    assert table[("speakers", "region", "142")] == 2
    assert table[("speakers", "gender", "woman")] == 2
    assert table[("speakers", "gender", "man")] == 1
    assert table[("speakers", "gender", "other")] == 1
    assert table[("speakers", "gender", "")] == 1  # Kim Lee declared none
    assert ("speakers", "stakeholder_type", "government") in table and sum(
        n for (m, d, _k), n in table.items() if m == "speakers" and d == "gender"
    ) == 5

    rows = list(csv.DictReader(io.StringIO(client.get("/en/forum/2025/statistics.csv").content.decode())))
    assert {(r["measure"], r["dimension"], r["key"], r["count"]) for r in rows} == {
        (m, d, k, str(n)) for (m, d, k), n in table.items()
    }
    page = client.get("/fr/forum/2025/statistics/").content.decode()
    assert "Europe" in page and "Afrique" in page
