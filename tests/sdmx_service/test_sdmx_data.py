"""Data queries read with real clients (sdmx1), every data message valid SDMX-ML 2.1, values equal to the
warehouse's, and the query parameters as the SDMX 2.1 REST standard defines them."""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests
from lxml import etree

from tests.sdmx_service.conftest import assert_valid

pytestmark = pytest.mark.django_db

GENERIC = "application/vnd.sdmx.genericdata+xml;version=2.1"
SPECIFIC = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
JSON = "application/vnd.sdmx.data+json;version=1.0.0"
CSV = "application/vnd.sdmx.data+csv;version=1.0.0"
G = {"g": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"}
#: Kenya's Internet use, totals: FREQ.REF_AREA.INDICATOR then nine disaggregations.
KEN_I99H = "A.KEN.i99H._T._T._T._T._T._T._T._T._T"


def get(url: str, accept: str = GENERIC, **params: str) -> requests.Response:
    return requests.get(url, headers={"Accept": accept}, params=params, timeout=120)


def warehouse(indicator: str, area: str, release: int | None = None) -> dict[str, float]:
    from wsis.apps.warehouse.domain.query import select

    qs = select(indicators=[indicator], areas=[area], release=release, totals_only=True)
    return {o.period: o.value for o in qs}


def generic_values(document: etree._Element) -> dict[str, float]:
    return {
        obs.find("g:ObsDimension", G).get("value"): float(obs.find("g:ObsValue", G).get("value"))
        for obs in document.iterfind(".//g:Obs", G)
    }


def test_generic_data_equals_the_warehouse(server, schema):
    response = get(f"{server}/data/ICT/{KEN_I99H}/all")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/vnd.sdmx.genericdata+xml")
    document = assert_valid(schema, response.content)
    values = generic_values(document)
    assert values == warehouse("i99H", "KEN")
    assert len(values) > 15
    statuses = {v.get("value") for v in document.iterfind(".//g:Value[@id='OBS_STATUS']", G)}
    assert statuses <= {"A", "E", "I"} and statuses
    releases = {v.get("value") for v in document.iterfind(".//g:Value[@id='RELEASE']", G)}
    assert releases == {"ITU: ITU DataHub 2025"}


def test_wildcards_plus_and_periods(server, schema):
    response = get(
        f"{server}/data/WSIS,ICT,1.0/A.KEN+FRA.i99H+IT@NET@USER@ZS.._T.......",
        startPeriod="2015",
        endPeriod="2020",
    )
    document = assert_valid(schema, response.content)
    keys = set()
    for series in document.iterfind(".//g:Series", G):
        key = {v.get("id"): v.get("value") for v in series.find("g:SeriesKey", G)}
        keys.add((key["REF_AREA"], key["INDICATOR"]))
        periods = [o.find("g:ObsDimension", G).get("value") for o in series.iterfind("g:Obs", G)]
        assert periods and all("2015" <= p <= "2020" for p in periods)
    assert keys == {("KEN", "i99H"), ("FRA", "i99H"), ("KEN", "IT@NET@USER@ZS"), ("FRA", "IT@NET@USER@ZS")}


def test_last_observations_and_detail(server, schema):
    last = assert_valid(schema, get(f"{server}/data/ICT/{KEN_I99H}", lastNObservations="2").content)
    expected = dict(sorted(warehouse("i99H", "KEN").items())[-2:])
    assert generic_values(last) == expected
    keys_only = assert_valid(
        schema, get(f"{server}/data/ICT/A..i99H.........", detail="serieskeysonly").content
    )
    assert keys_only.find(".//g:Obs", G) is None
    assert len(keys_only.findall(".//g:Series", G)) > 100
    bare = assert_valid(schema, get(f"{server}/data/ICT/{KEN_I99H}", detail="dataonly").content)
    assert bare.find(".//g:Attributes", G) is None and generic_values(bare)


def test_dimension_at_observation(server, schema):
    flat = assert_valid(
        schema, get(f"{server}/data/ICT/{KEN_I99H}", dimensionAtObservation="AllDimensions").content
    )
    assert flat.find(".//g:Series", G) is None
    assert len(flat.findall(".//g:Obs/g:ObsKey", G)) == len(warehouse("i99H", "KEN"))
    common = max(set(warehouse("i99H", "KEN")) & set(warehouse("i99H", "FRA")))
    by_area = assert_valid(
        schema,
        get(
            f"{server}/data/ICT/A.KEN+FRA.i99H.........",
            dimensionAtObservation="REF_AREA",
            startPeriod=common,
            endPeriod=common,
        ).content,
    )
    areas = {o.find("g:ObsDimension", G).get("value"): o for o in by_area.iterfind(".//g:Obs", G)}
    assert set(areas) == {"KEN", "FRA"}
    assert float(areas["KEN"].find("g:ObsValue", G).get("value")) == warehouse("i99H", "KEN")[common]


def test_point_in_time_release(server, schema, loaded):
    response = get(f"{server}/data/ICT/{KEN_I99H}", release=str(loaded.old))
    values = generic_values(assert_valid(schema, response.content))
    assert values == warehouse("i99H", "KEN", release=loaded.old)
    assert values == {period: value for (area, period), value in loaded.revised.items() if area == "KEN"}
    assert values != warehouse("i99H", "KEN")


def test_updated_after(server, schema, loaded):
    from wsis.apps.warehouse.models import Release

    itu = Release.objects.get(id=loaded.new)
    response = get(f"{server}/data/ICT/all", updatedAfter=itu.imported_at.isoformat())
    document = assert_valid(schema, response.content)
    releases = {v.get("value") for v in document.iterfind(".//g:Value[@id='RELEASE']", G)}
    assert releases == {"World Bank: World Development Indicators"}


def test_csv_and_json_carry_the_same_values(server):
    expected = warehouse("i99H", "KEN")
    text = get(f"{server}/data/ICT/{KEN_I99H}", accept=CSV)
    assert text.headers["Content-Type"].startswith("application/vnd.sdmx.data+csv")
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert rows[0]["DATAFLOW"] == "WSIS:ICT(1.0)"
    assert {r["TIME_PERIOD"]: float(r["OBS_VALUE"]) for r in rows} == expected
    message = get(f"{server}/data/ICT/{KEN_I99H}", accept=JSON).json()
    structure = message["structure"]["dimensions"]
    times = [v["id"] for v in structure["observation"][0]["values"]]
    (series,) = message["dataSets"][0]["series"].values()
    assert {times[int(i)]: cells[0] for i, cells in series["observations"].items()} == expected
    assert [d["id"] for d in structure["series"]][:3] == ["FREQ", "REF_AREA", "INDICATOR"]
    assert json.loads(get(f"{server}/data/ICT/{KEN_I99H}", format="jsondata").content) is not None


def specific_schema(server: str, shared, at: str, tmp_path) -> etree.XMLSchema:
    """The official schemas plus the DSD-specific one the service serves for ``at``."""
    base = shared / "sdmx/schemas-2.1"
    served = get(
        f"{server}/schema/dataflow/WSIS/ICT/1.0", accept="application/xml", dimensionAtObservation=at
    )
    assert served.status_code == 200, served.text[:300]
    document = etree.fromstring(served.content)
    for element in document.iterfind("{http://www.w3.org/2001/XMLSchema}import"):
        element.set("schemaLocation", (base / element.get("schemaLocation").rsplit("/", 1)[1]).as_uri())
    (tmp_path / "dsd.xsd").write_bytes(etree.tostring(document))
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
                 schemaLocation="{(base / "SDMXMessage.xsd").as_uri()}"/>
      <xs:import namespace="{document.get("targetNamespace")}"
                 schemaLocation="{(tmp_path / "dsd.xsd").as_uri()}"/>
    </xs:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


@pytest.mark.parametrize("at", ["TIME_PERIOD", "REF_AREA", "AllDimensions"])
def test_structure_specific_data_validates(server, shared, tmp_path, at):
    xsd = specific_schema(server, shared, at, tmp_path)
    response = get(f"{server}/data/ICT/A.KEN+FRA.i99H.........", accept=SPECIFIC, dimensionAtObservation=at)
    assert response.headers["Content-Type"].startswith("application/vnd.sdmx.structurespecificdata+xml")
    document = assert_valid(xsd, response.content)
    values = {
        o.get("TIME_PERIOD") or o.getparent().get("TIME_PERIOD"): float(o.get("OBS_VALUE"))
        for o in document.iter("Obs")
        if (o.get("REF_AREA") or o.getparent().get("REF_AREA")) == "KEN"
    }
    assert values == warehouse("i99H", "KEN")


def test_synthetic_figures_stay_out_of_the_real_world(server, tmp_path):
    """A synthetic release imported by hand after real ones is never served: not as latest figures, not
    by its id, not in the availability."""
    import datetime as dt

    import polars as pl

    from wsis.apps.warehouse.domain.importing import import_release
    from wsis.apps.warehouse.models import Observation, Release
    from wsis.engine.readers.observation import conform
    from wsis.engine.readers.writers import write

    frame = conform(
        pl.DataFrame(
            {
                "indicator": ["i99H"],
                "area": ["KEN"],
                "area_kind": ["economy"],
                "period": ["2026"],
                "value": [99.123],
                "unit": ["percent"],
                "nature": ["modelled"],
            }
        )
    )
    path = write(frame, tmp_path / "synthetic.csv", "csv")
    release = import_release(
        [path], name="Synthetic", publisher="WSIS demo", date=dt.date(2026, 1, 1), synthetic=True
    )
    try:
        latest = get(f"{server}/data/ICT/{KEN_I99H}", startPeriod="2026")
        assert latest.status_code in (200, 404)
        assert "99.123" not in latest.text
        by_id = get(f"{server}/data/ICT/{KEN_I99H}", release=str(release.release.id))
        assert by_id.status_code == 404, by_id.text[:300]
        availability = get(
            f"{server}/contentconstraint/WSIS/CC_ICT", accept="application/vnd.sdmx.structure+xml;version=2.1"
        )
        assert b">2026<" not in availability.content
    finally:
        Observation.objects.filter(release=release.release).delete()
        Release.objects.filter(id=release.release.id).delete()
