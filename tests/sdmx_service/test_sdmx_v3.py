"""The SDMX 3.0 paths (REST API 2.0.0, ``/sdmx/rest/v2/``): pysdmx's SDMX-REST 2.0 client queries them and
reads the SDMX-CSV 2.0 answers into pandas, sdmx1 reads the same CSV with the structure, and the bodies hold
what the 3.0 parameters ask (component filters, several keys, attributes/measures, updatedAfter, first/last
N), with the standard's errors for the rest."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from tests.sdmx_service.conftest import assert_valid
from tests.sdmx_service.test_sdmx_data import warehouse

pytestmark = pytest.mark.django_db

CSV2 = "application/vnd.sdmx.data+csv;version=2.0.0"
FLOW = "dataflow/WSIS/ICT/1.0"
M = {"m": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"}


def rows(response: requests.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/vnd.sdmx.data+csv; version=2.0.0")
    return list(csv.DictReader(io.StringIO(response.text)))


def v3(server: str, path: str, accept: str = CSV2, **params: str) -> requests.Response:
    return requests.get(f"{server}/v2/{path}", headers={"Accept": accept}, params=params, timeout=120)


def test_pysdmx_queries_the_3_0_paths_and_reads_sdmx_csv_2(server):
    from pysdmx.api.qb import ApiVersion, DataContext, DataFormat, DataQuery, RestService
    from pysdmx.api.qb.structure import StructureFormat, StructureQuery, StructureType
    from pysdmx.io import read_sdmx

    service = RestService(
        f"{server}/v2",
        ApiVersion.V2_0_0,
        data_format=DataFormat.SDMX_CSV_2_0_0,
        structure_format=StructureFormat.SDMX_ML_2_1,
        timeout=120,
    )
    query = DataQuery(
        context=DataContext.DATAFLOW, agency_id="WSIS", resource_id="ICT", version="1.0", key="A.KEN.i99H"
    )
    message = read_sdmx(service.data(query).decode())
    (dataset,) = message.data
    assert dataset.short_urn == "Dataflow=WSIS:ICT(1.0)"
    frame = dataset.data
    totals = frame[(frame["SEX"] == "_T") & (frame["AGE"] == "_T")]
    values = dict(zip(totals["TIME_PERIOD"].astype(str), totals["OBS_VALUE"].astype(float), strict=True))
    assert values == warehouse("i99H", "KEN")
    structures = read_sdmx(
        service.structure(
            StructureQuery(artefact_type=StructureType.DATAFLOW, agency_id="WSIS", resource_id="ICT")
        ).decode()
    )
    assert [f.id for f in structures.get_dataflows()] == ["ICT"]


def test_pysdmx_reads_the_last_observations_with_the_3_0_structure(server):
    from pysdmx.io import get_datasets

    (dataset,) = get_datasets(
        f"{server}/v2/data/{FLOW}/A.KEN.i99H.*.*.*.*.*.*.*.*.*?lastNObservations=2&c[SEX]=_T&c[AGE]=_T",
        f"{server}/v2/structure/{FLOW}?references=descendants",
    )
    frame = dataset.data
    expected = dict(sorted(warehouse("i99H", "KEN").items())[-2:])
    assert (
        dict(zip(frame["TIME_PERIOD"].astype(str), frame["OBS_VALUE"].astype(float), strict=True)) == expected
    )


def test_sdmx1_reads_sdmx_csv_2_with_the_structure(server):
    import sdmx

    structure = sdmx.read_sdmx(
        io.BytesIO(
            v3(server, f"structure/{FLOW}", accept="application/xml", references="descendants").content
        )
    )
    flow = structure.dataflow["ICT"]
    body = v3(server, f"data/{FLOW}/A.KEN.i99H", **{"c[SEX]": "_T", "c[AGE]": "_T"}).content
    message = sdmx.read_sdmx(io.BytesIO(body), format="csv", structure=flow)
    series = sdmx.to_pandas(message.data[0])
    values = dict(zip(series.index.get_level_values("TIME_PERIOD"), series.to_list(), strict=True))
    assert {p: float(v) for p, v in values.items()} == warehouse("i99H", "KEN")


def test_component_filters_several_keys_and_periods(server):
    found = rows(
        v3(
            server,
            f"data/{FLOW}/*.KEN.i99H,*.FRA.IT@NET@USER@ZS",
            **{"c[TIME_PERIOD]": "ge:2015+le:2020", "c[SEX]": "_T", "c[AGE]": "_T"},
        )
    )
    assert found[0]["STRUCTURE"] == "dataflow" and found[0]["STRUCTURE_ID"] == "WSIS:ICT(1.0)"
    assert {(r["REF_AREA"], r["INDICATOR"]) for r in found} == {("KEN", "i99H"), ("FRA", "IT@NET@USER@ZS")}
    assert all("2015" <= r["TIME_PERIOD"] <= "2020" for r in found)
    kenya = {r["TIME_PERIOD"]: float(r["OBS_VALUE"]) for r in found if r["REF_AREA"] == "KEN"}
    assert kenya == {p: v for p, v in warehouse("i99H", "KEN").items() if "2015" <= p <= "2020"}
    later = rows(v3(server, f"data/{FLOW}/A.KEN.i99H", **{"c[TIME_PERIOD]": "gt:2020", "c[SEX]": "_T"}))
    assert later and all(r["TIME_PERIOD"] > "2020" for r in later)
    both = rows(v3(server, f"data/{FLOW}/A.*.i99H", **{"c[REF_AREA]": "KEN,FRA", "c[SEX]": "_T"}))
    assert {r["REF_AREA"] for r in both} == {"KEN", "FRA"}


def test_attributes_measures_and_attribute_filters(server):
    chosen = rows(v3(server, f"data/{FLOW}/A.KEN.i99H", attributes="OBS_STATUS,UNIT_MEASURE"))
    assert list(chosen[0])[-3:] == ["OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS"]
    assert "RELEASE" not in chosen[0]
    bare = rows(v3(server, f"data/{FLOW}/A.KEN.i99H", attributes="none", measures="none"))
    assert list(bare[0])[-1] == "TIME_PERIOD"
    everything = rows(v3(server, f"data/{FLOW}/A.KEN+FRA.i99H"))
    statuses = {r["OBS_STATUS"] for r in everything}
    status = sorted(statuses)[0]
    filtered = rows(v3(server, f"data/{FLOW}/A.KEN+FRA.i99H", **{"c[OBS_STATUS]": status}))
    assert filtered and {r["OBS_STATUS"] for r in filtered} == {status}
    assert len(filtered) == sum(r["OBS_STATUS"] == status for r in everything)


def test_updated_after_and_first_observations(server, loaded):
    from wsis.apps.warehouse.models import Release

    itu = Release.objects.get(id=loaded.new)
    changed = rows(v3(server, f"data/{FLOW}", updatedAfter=itu.imported_at.isoformat()))
    assert {r["INDICATOR"] for r in changed} == {"IT@NET@USER@ZS"}
    first = rows(
        v3(server, f"data/{FLOW}/A.KEN.i99H", firstNObservations="1", **{"c[SEX]": "_T", "c[AGE]": "_T"})
    )
    assert [r["TIME_PERIOD"] for r in first] == [min(warehouse("i99H", "KEN"))]


def test_older_formats_on_the_3_0_paths(server, schema):
    generic = v3(server, f"data/{FLOW}/A.KEN.i99H", accept="application/vnd.sdmx.genericdata+xml;version=2.1")
    assert_valid(schema, generic.content)
    csv1 = v3(server, f"data/{FLOW}/A.KEN.i99H", accept="application/vnd.sdmx.data+csv;version=1.0.0")
    assert csv1.text.startswith("DATAFLOW,")


@pytest.mark.parametrize(
    ("path", "params", "accept", "status", "code", "says"),
    [
        ("data/provisionagreement/WSIS/ICT/1.0", {}, CSV2, 404, "100", "context"),
        ("data/dataflow/OTHER/ICT/1.0", {}, CSV2, 404, "100", "No results found"),
        ("data/dataflow/WSIS/ICT/9.9.9", {}, CSV2, 404, "100", "No results found"),
        (f"data/{FLOW}/A.ZZZ.i99H", {}, CSV2, 404, "100", "No results found"),
        (f"data/{FLOW}/A.KEN.i99H._T._T._T._T._T._T._T._T._T._T", {}, CSV2, 400, "140", "positions"),
        (f"data/{FLOW}/A.<script>.i99H", {}, CSV2, 400, "140", "is not a code"),
        (f"data/{FLOW}/A.KEN", {"c[REF_AREA]": "x'--"}, CSV2, 400, "140", "is not a code"),
        (f"data/{FLOW}/A.KEN", {"c[REF_AREA]": "FRA"}, CSV2, 404, "100", "in common"),
        (f"data/{FLOW}/A.KEN", {"c[OBS_VALUE]": "ge:10"}, CSV2, 501, "501", "OBS_VALUE"),
        (f"data/{FLOW}/A.KEN", {"c[REF_AREA]": "sw:K"}, CSV2, 501, "501", "equality"),
        (f"data/{FLOW}/A.KEN", {"c[TIME_PERIOD]": "ge:20x0"}, CSV2, 400, "140", "TIME_PERIOD"),
        (f"data/{FLOW}/A.KEN", {"asOf": "2025-01-01T00:00:00Z"}, CSV2, 501, "501", "asOf"),
        (f"data/{FLOW}/A.KEN", {"startPeriod": "2020"}, CSV2, 400, "140", "unknown parameter"),
        (f"data/{FLOW}/A.KEN", {"attributes": "COLOUR"}, CSV2, 400, "140", "attribute"),
        (f"data/{FLOW}/A.KEN", {"includeHistory": "true"}, CSV2, 501, "501", "includeHistory"),
        (f"data/{FLOW}/A.KEN", {}, "application/vnd.sdmx.data+json;version=2.0.0", 406, "406", "offers"),
        ("structure/dataflow/WSIS/ICT/1.0/ITEM", {}, "application/xml", 501, "501", "item"),
        ("structure/metadatastructure/WSIS", {}, "application/xml", 501, "501", "Not implemented"),
        ("structure/dataflow/WSIS/NOPE", {}, "application/xml", 404, "100", "No results found"),
    ],
)
def test_bad_3_0_queries_answer_the_standard_error(server, schema, path, params, accept, status, code, says):
    response = v3(server, path, accept, **params)
    assert response.status_code == status, response.text[:300]
    error = assert_valid(schema, response.content).find("m:ErrorMessage", M)
    assert error.get("code") == code
    assert says in "".join(error.itertext())
    assert "<script>" not in response.text


def test_3_0_structure_wildcards_validate(server, schema):
    for path in (
        f"structure/{FLOW}",
        "structure/dataflow/*/*/*",
        "structure/codelist/WSIS/CL_AREA/+",
        "structure/datastructure/WSIS/ICT_OBS/1.0.0",
    ):
        response = v3(server, path, accept="application/vnd.sdmx.structure+xml;version=2.1")
        assert response.status_code == 200, (path, response.text[:300])
        assert_valid(schema, response.content)


def test_the_openapi_description_names_the_3_0_paths(server):
    base = server.removesuffix("/sdmx/rest")
    spec = requests.get(f"{base}/api/v1/openapi.json", timeout=60).json()
    (entry,) = [p for p in spec["paths"] if p.endswith("/sdmx")]
    description = spec["paths"][entry]["get"]["description"]
    assert "/sdmx/rest/v2/" in description and "c[COMPONENT]=" in description
    assert "version=2.0.0" in description
    links = requests.get(base + entry, timeout=60).json()
    structure = requests.get(links["structure_v3"], headers={"Accept": "application/xml"}, timeout=60)
    assert structure.status_code == 200 and b"WSIS" in structure.content
