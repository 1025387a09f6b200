"""Real SDMX clients read the service: sdmx1 (dataflows, the structure, data into pandas) and pysdmx."""

from __future__ import annotations

import pytest

from tests.sdmx_service.test_sdmx_data import KEN_I99H, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture()
def client(server):
    import sdmx
    import sdmx.source

    sdmx.source.add_source(
        {
            "id": "WSIS",
            "url": server,
            "name": "WSIS Observatory (test server)",
            "supports": {"preview": True},
        },
        override=True,
    )
    client = sdmx.Client("WSIS")
    yield client
    # A kept-alive connection holds a server thread, and its database session, open after the test.
    client.session.close()


def test_sdmx1_reads_dataflows_structure_and_data(client):
    import sdmx
    import sdmx.source

    flows = client.dataflow()
    assert "ICT" in flows.dataflow
    assert str(flows.dataflow["ICT"].name) == "ICT indicators (WSIS Observatory warehouse)"

    structure = client.datastructure("ICT_OBS", params={"references": "children"})
    dsd = structure.structure["ICT_OBS"]
    assert [d.id for d in dsd.dimensions] == [
        "FREQ",
        "REF_AREA",
        "INDICATOR",
        "SEX",
        "AGE",
        "URBANISATION",
        "INCOME_QUINTILE",
        "EDUCATION",
        "DISABILITY",
        "SKILL_TYPE",
        "TECHNOLOGY",
        "SPEED_TIER",
        "TIME_PERIOD",
    ]
    areas = structure.codelist["CL_AREA"]
    assert areas["KEN"].name.localizations["fr"] == "Kenya"
    assert areas["KEN"].name.localizations["zh"] == "肯尼亚"

    message = client.data("ICT", key=KEN_I99H, dsd=dsd)
    series = sdmx.to_pandas(message)
    periods = series.index.get_level_values("TIME_PERIOD")
    assert set(series.index.get_level_values("REF_AREA")) == {"KEN"}
    values = dict(zip(periods, series.to_list(), strict=True))
    assert values == warehouse("i99H", "KEN")


def test_sdmx1_reads_a_key_given_as_a_dict_with_attributes(client):
    import sdmx
    import sdmx.source

    message = client.data(
        "ICT",
        key={"REF_AREA": ["KEN", "FRA"], "INDICATOR": "i99H", "SEX": "_T", "AGE": "_T"},
        params={"startPeriod": "2018", "endPeriod": "2022"},
    )
    frame = sdmx.to_pandas(message, attributes="o")
    assert set(frame.index.get_level_values("REF_AREA")) == {"KEN", "FRA"}
    for (area, period), expected in (
        (("KEN", p), v) for p, v in warehouse("i99H", "KEN").items() if "2018" <= p <= "2022"
    ):
        row = frame.xs((area, period), level=("REF_AREA", "TIME_PERIOD"))
        assert list(row["value"]) == [expected]
        assert set(row["OBS_STATUS"]) <= {"A", "E", "I"}
