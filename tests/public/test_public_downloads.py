"""Downloads of the indicator page hold exactly what the page shows - the ranking of the year, or the
series of the chosen economies - with the release and licence of every row, and read back: the CSV and
JSON through the warehouse's own readers, the SDMX-ML through sdmx1."""

from __future__ import annotations

import io
import json

import lxml.html
import polars as pl
import pytest
from django.test import Client

from wsis.engine.readers.observation import DISAGGREGATIONS

TOTALS = {d: "_T" for d in DISAGGREGATIONS}


def _expected(**filters) -> dict[tuple[str, str], object]:
    from wsis.apps.warehouse.models import Observation

    rows = Observation.objects.filter(is_latest=True, area_kind="economy", **{**TOTALS, **filters})
    return {(o.area, o.period): o for o in rows.select_related("release")}


def _links(html: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    return [a.get("href") for a in doc.xpath("//a[contains(@href, '/data.')]")]


@pytest.mark.django_db
def test_csv_of_the_ranking_is_the_years_figures(client: Client, site_data, tmp_path) -> None:
    from wsis.engine.readers import read

    html = client.get("/en/indicators/IT.NET.USER.ZS/?year=2020").content.decode()
    url = next(u for u in _links(html) if "data.csv" in u and "part=ranking" in u)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="IT.NET.USER.ZS-2020.csv"'
    frame = pl.read_csv(io.BytesIO(response.content), infer_schema_length=0)
    expected = _expected(indicator="IT.NET.USER.ZS", period="2020")
    assert frame.height == len(expected) > 150
    for row in frame.iter_rows(named=True):
        obs = expected[(row["area"], row["period"])]
        assert float(row["value"]) == obs.value and row["source"] == obs.source
        assert row["release"] == "World Bank: World Development Indicators"
        assert row["release_date"] == "2025-07-01" and row["licence"].startswith("CC BY 4.0")
    # The same economies as the ranking table on the page.
    doc = lxml.html.fromstring(html)
    shown = {a.get("href").rstrip("/").rsplit("/", 1)[1] for a in doc.xpath("//table[@class='ranking']//a")}
    assert shown == set(frame["area"])
    # The warehouse reads its own download back into the same figures.
    path = tmp_path / "ranking.csv"
    path.write_bytes(response.content)
    back = read(path).frame
    assert dict(zip(back["area"], back["value"], strict=True)) == {
        a: o.value for (a, _p), o in expected.items()
    }


@pytest.mark.django_db
def test_json_of_the_series_holds_the_chosen_economies(client: Client, site_data, tmp_path) -> None:
    from wsis.engine.readers import read

    page = client.get("/fr/indicators/i99H/?economies=KEN,BRA&year=2019").content.decode()
    url = next(u for u in _links(page) if "data.json" in u and "part=series" in u)
    assert "economies=KEN%2CBRA" in url
    response = client.get(url)
    document = json.loads(response.content)
    expected = {k: o for k, o in _expected(indicator="i99H", area__in=["KEN", "BRA"]).items()}
    got = {(o["area"], o["period"]): o for o in document["observations"]}
    assert set(got) == set(expected)
    assert all(got[k]["value"] == o.value and got[k]["nature"] == o.nature for k, o in expected.items())
    metadata = document["metadata"]
    assert metadata["indicator"] == "i99H" and metadata["economies"] == ["KEN", "BRA"]
    assert [(r["publisher"], r["name"]) for r in metadata["releases"]] == [("ITU", "ITU DataHub")]
    assert metadata["releases"][0]["licence"].startswith("ITU terms of use")
    path = tmp_path / "series.json"
    path.write_bytes(response.content)
    assert read(path).frame.height == len(expected)


@pytest.mark.django_db
def test_sdmx_download_parses_with_sdmx1(client: Client, site_data) -> None:
    import sdmx

    response = client.get("/en/indicators/i992b/data.sdmx?year=2021&part=ranking")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.sdmx.genericdata+xml")
    message = sdmx.read_sdmx(io.BytesIO(response.content))
    source = str(message.header.source)
    assert "ITU: ITU DataHub (2025-06-01); licence: ITU terms of use" in source
    values = sdmx.to_pandas(message.data[0])
    got = {key[values.index.names.index("REF_AREA")]: value for key, value in values.items()}
    expected = {a: o.value for (a, _p), o in _expected(indicator="i992b", period="2021").items()}
    assert got == expected and len(got) > 100


@pytest.mark.django_db
def test_a_breakdown_download_holds_only_that_breakdown(client: Client, site_data) -> None:
    response = client.get("/en/indicators/IT_MOB_OWN/data.csv?year=2017&breakdown=sex:F&part=ranking")
    frame = pl.read_csv(io.BytesIO(response.content), infer_schema_length=0)
    expected = _expected(indicator="IT_MOB_OWN", period="2017", sex="F")
    assert set(frame["sex"]) == {"F"} and frame.height == len(expected) > 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/en/indicators/i99H/data.xlsx", 404, "csv, json, sdmx"),
        ("/en/indicators/i99H/data.csv?part=everything", 400, "everything"),
        ("/en/indicators/i99H/data.csv?year=1800", 400, "1800"),
        ("/en/indicators/i99H/data.json?part=series&economies=ZZZ", 400, "ZZZ"),
        ("/en/indicators/NO_SUCH/data.csv", 404, "NO_SUCH"),
    ],
)
def test_bad_download_requests_say_what_is_wrong(client: Client, site_data, url, status, words) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert words in response.content.decode()
