"""Fetchers against a real local HTTP server that answers at the publishers' real paths.

The server (127.0.0.1, random port) serves the recorded ITU DataHub answers as they are, and World Bank
and SDG API pages built at run time from the shared publisher files, paged by the request's own
``per_page``/``pageSize`` and ``page`` parameters like the real APIs. Each fetched file is then read with
``wsis.engine.readers.read`` and compared with what the publisher's file says.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import polars as pl
import pytest

from wsis.engine import fetch, readers
from wsis.engine.readers import sdg_database
from wsis.reference.loader import knowledge

Answer = tuple[int, str, bytes]
Route = Callable[[dict[str, str]], Answer]
JSON = "application/json; charset=utf-8"


@dataclass
class Api:
    """What the local server answers, and every request it received."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        api: Api = self.server.api  # type: ignore[attr-defined]
        api.requests.append(self.path)
        parts = urlsplit(self.path)
        route = api.routes.get(parts.path)
        status, content_type, body = (
            route(dict(parse_qsl(parts.query))) if route else (404, "text/plain", b"Not Found")
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
        pass


@dataclass
class Server:
    root: str
    api: Api


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.api = Api()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", httpd.api)  # type: ignore[attr-defined]
    finally:
        httpd.shutdown()
        httpd.server_close()


def _json(document: Any) -> bytes:
    return json.dumps(document).encode("utf-8")


def _static(body: bytes, status: int = 200, content_type: str = JSON) -> Route:
    return lambda query: (status, content_type, body)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _observations(frame: pl.DataFrame) -> pl.DataFrame:
    """The published content of a frame, in a fixed order, without the row numbers of its file."""
    columns = [c for c in frame.columns if c != "source_row"]
    return frame.select(columns).sort(columns, nulls_last=True)


# --- World Bank --------------------------------------------------------------------------------------------

WB_INDICATOR = "IT.NET.BBND.P2"


@pytest.fixture
def wb_records(shared: Path) -> list[dict[str, Any]]:
    """API v2 records for every row of the shared long CSV, plus unpublished (null) values like the API's."""
    rows = _read_csv(shared / "worldbank" / "it.net.bbnd.p2.csv")
    indicator = {"id": WB_INDICATOR, "value": "Fixed broadband subscriptions (per 100 people)"}
    records = [
        {
            "indicator": indicator,
            "country": {"id": r["Country Code"], "value": r["Country Name"]},
            "countryiso3code": r["Country Code"],
            "date": r["Year"],
            "value": float(r["Value"]),
            "unit": "",
            "obs_status": "",
            "decimal": 1,
        }
        for r in rows
    ]
    for code, name in (("ABW", "Aruba"), ("WLD", "World")):
        records.append(
            {
                "indicator": indicator,
                "country": {"id": code, "value": name},
                "countryiso3code": code,
                "date": "1990",
                "value": None,
                "unit": "",
                "obs_status": "",
                "decimal": 1,
            }
        )
    return records


def worldbank_route(records: list[dict[str, Any]]) -> Route:
    def answer(query: dict[str, str]) -> Answer:
        if query.get("format") != "json":  # the real API answers XML unless asked for JSON
            return 200, "application/xml", b"<?xml version='1.0'?><wb:data/>"
        per_page, page = int(query.get("per_page", "50")), int(query.get("page", "1"))
        pages = max(1, math.ceil(len(records) / per_page))
        paging = {
            "page": page,
            "pages": pages,
            "per_page": per_page,
            "total": len(records),
            "sourceid": "2",
            "lastupdated": "2025-07-01",
        }
        return 200, JSON, _json([paging, records[(page - 1) * per_page : page * per_page] or None])

    return answer


def test_worldbank_one_page_saved_as_published(
    server: Server, wb_records: list[dict[str, Any]], shared: Path, tmp_path: Path
) -> None:
    route = worldbank_route(wb_records)
    server.api.routes[f"/v2/country/all/indicator/{WB_INDICATOR}"] = route
    got = fetch.fetch_worldbank(WB_INDICATOR, tmp_path, base=f"{server.root}/v2")

    assert server.api.requests == [
        f"/v2/country/all/indicator/{WB_INDICATOR}?format=json&per_page=20000&page=1"
    ]
    published = route({"format": "json", "per_page": "20000", "page": "1"})[2]
    assert got.path.read_bytes() == published
    assert got.sha256 == hashlib.sha256(published).hexdigest()
    assert got.origin == f"{server.root}/v2/country/all/indicator/{WB_INDICATOR}?format=json&per_page=20000"
    assert got.records == len(wb_records)
    assert (got.publisher, got.code, got.format) == ("worldbank", WB_INDICATOR, "worldbank-api-json")
    assert got.path.name == f"worldbank-{WB_INDICATOR}.json"
    assert got.last_updated == "2025-07-01"

    result = readers.read(got.path)
    assert readers.detect(got.path).name == got.format
    assert result.ok, [str(p) for p in result.errors]
    assert len(result.exclusions) == 2  # the two null values
    # Same observations as the publisher's own CSV of the series, aggregates (WLD ...) as groups.
    csv_result = readers.read(shared / "worldbank" / "it.net.bbnd.p2.csv")
    assert _observations(result.frame).equals(_observations(csv_result.frame))
    assert "WB_WLD" in result.frame.filter(pl.col("area_kind") == "group").get_column("area").to_list()


def test_worldbank_every_page_merged(
    server: Server, wb_records: list[dict[str, Any]], tmp_path: Path
) -> None:
    server.api.routes[f"/v2/country/all/indicator/{WB_INDICATOR}"] = worldbank_route(wb_records)
    got = fetch.fetch_worldbank(WB_INDICATOR, tmp_path, base=f"{server.root}/v2/", per_page=1000)

    pages = math.ceil(len(wb_records) / 1000)
    assert pages > 1
    assert [urlsplit(u).query for u in got.urls] == [
        f"format=json&per_page=1000&page={p}" for p in range(1, pages + 1)
    ]
    assert len(server.api.requests) == pages
    document = json.loads(got.path.read_bytes())
    assert document[1] == wb_records  # every record once, in page order
    assert document[0]["merged_pages"] == pages
    assert got.sha256 == hashlib.sha256(got.path.read_bytes()).hexdigest()
    result = readers.read(got.path)
    assert result.ok
    assert result.frame.height == len(wb_records) - 2


def test_worldbank_base_from_environment(
    server: Server, wb_records: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.api.routes[f"/wb/v2/country/all/indicator/{WB_INDICATOR}"] = worldbank_route(wb_records)
    monkeypatch.setenv("WSIS_FETCH_WORLDBANK", f"{server.root}/wb/v2")
    got = fetch.fetch("worldbank", WB_INDICATOR, tmp_path)
    assert got.origin.startswith(f"{server.root}/wb/v2/")
    assert got.records == len(wb_records)


def test_worldbank_error_answer(server: Server, tmp_path: Path) -> None:
    # The World Bank's answer to an unknown indicator: HTTP 200 with a message instead of data.
    message = [
        {
            "message": [
                {"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"}
            ]
        }
    ]
    server.api.routes["/v2/country/all/indicator/NO.SUCH.CODE"] = _static(_json(message))
    with pytest.raises(fetch.FetchError, match="The provided parameter value is not valid") as caught:
        fetch.fetch_worldbank("NO.SUCH.CODE", tmp_path, base=f"{server.root}/v2")
    assert "/v2/country/all/indicator/NO.SUCH.CODE" in caught.value.url
    assert list(tmp_path.iterdir()) == []


def test_worldbank_no_data(server: Server, tmp_path: Path) -> None:
    server.api.routes["/v2/country/all/indicator/IT.EMPTY"] = worldbank_route([])
    with pytest.raises(fetch.FetchError, match="no data for indicator IT.EMPTY"):
        fetch.fetch_worldbank("IT.EMPTY", tmp_path, base=f"{server.root}/v2")
    assert list(tmp_path.iterdir()) == []


# --- ITU DataHub -------------------------------------------------------------------------------------------


def _expected_itu(path: Path) -> pl.DataFrame:
    """What the recorded answer says, parsed here with json alone."""
    rows = [
        {
            "area": r["isoCode"],
            "period": str(r["dataYear"]),
            "value": float(r["answer"][0]["value"]),
            "nature": "estimate" if r["dataSource"] == "ITU estimate." else "reported",
            "source": r["dataSource"],
        }
        for r in json.loads(path.read_text(encoding="utf-8"))
    ]
    return pl.DataFrame(rows).sort("area", "period")


@pytest.mark.parametrize(
    ("iso3", "recorded", "path"),
    [
        (None, "itu-get-indicator-series.json", "/v2/data/bycode/11624"),
        ("USA", "itu-get-country-series.json", "/v2/data/bycode/11624/byiso/USA"),
    ],
)
def test_itu_series(
    server: Server, shared: Path, tmp_path: Path, iso3: str | None, recorded: str, path: str
) -> None:
    answer = (shared / "itu-datahub-api" / recorded).read_bytes()
    server.api.routes[path] = _static(answer)
    got = fetch.fetch_itu("i99H", tmp_path, base=f"{server.root}/v2", iso3=iso3)

    assert server.api.requests == [path]
    assert got.path.read_bytes() == answer
    assert got.sha256 == hashlib.sha256(answer).hexdigest()
    assert got.origin == f"{server.root}{path}"
    assert got.path.name == ("itu-i99H.json" if iso3 is None else "itu-i99H-USA.json")
    result = readers.read(got.path)
    assert readers.detect(got.path).name == got.format == "itu-datahub-api-json"
    assert result.ok, [str(p) for p in result.errors]
    frame = result.frame.select("area", "period", "value", "nature", "source").sort("area", "period")
    assert frame.equals(_expected_itu(shared / "itu-datahub-api" / recorded))
    assert set(result.frame.get_column("indicator")) == {"i99H"}


def test_itu_numeric_code_id_takes_the_series_code_from_the_answer(
    server: Server, shared: Path, tmp_path: Path
) -> None:
    answer = (shared / "itu-datahub-api" / "itu-get-indicator-series.json").read_bytes()
    server.api.routes["/v2/data/bycode/11624"] = _static(answer)
    got = fetch.fetch("itu", "11624", tmp_path, base=f"{server.root}/v2")
    assert got.code == "i99H"
    assert got.path.name == "itu-i99H.json"


def test_itu_empty_answer_means_unknown(server: Server, tmp_path: Path) -> None:
    # The DataHub answers an unknown codeID with HTTP 200 and an empty list.
    server.api.routes["/v2/data/bycode/999999999"] = _static(b"[]")
    with pytest.raises(fetch.FetchError, match="no records for codeID 999999999"):
        fetch.fetch_itu("999999999", tmp_path, base=f"{server.root}/v2")
    assert list(tmp_path.iterdir()) == []


def test_itu_answer_of_another_series_is_refused(server: Server, shared: Path, tmp_path: Path) -> None:
    answer = (shared / "itu-datahub-api" / "itu-get-indicator-series.json").read_bytes()
    server.api.routes[f"/v2/data/bycode/{fetch.ITU_CODE_IDS['xHH6_IDI']}"] = _static(answer)
    with pytest.raises(fetch.FetchError, match="answered series \\['i99H'\\], not xHH6_IDI"):
        fetch.fetch_itu("xHH6_IDI", tmp_path, base=f"{server.root}/v2")


def test_itu_unknown_code_names_the_way_out() -> None:
    with pytest.raises(ValueError, match="give the numeric codeID"):
        fetch.itu_code_id("i99Hx")


def test_itu_code_ids_agree_with_the_datahub_exports(shared: Path) -> None:
    published: dict[str, int] = {}
    for path in sorted((shared / "itu-datahub").glob("*.csv")):
        for row in _read_csv(path):
            published.setdefault(row["seriesCode"], int(row["seriesID"]))
    for code, code_id in fetch.ITU_CODE_IDS.items():
        assert published.get(code) == code_id, code
    # Every catalogue series that the exports carry is fetchable by its code.
    catalogue = set(knowledge().indicators)
    assert {c for c in published if c in catalogue} <= set(fetch.ITU_CODE_IDS)


# --- UN SDG API --------------------------------------------------------------------------------------------

SDG_SERIES = "IT_MOB_OWN"


@pytest.fixture
def sdg_records(shared: Path) -> list[dict[str, Any]]:
    """Series/Data records for every row of the shared SDG CSV extract, dimensions split as the API does."""
    attributes = ("Nature", "Units", "UnitMultiplier")
    rows = _read_csv(shared / "sdg-database" / "sdg-5.b.1-mobile-ownership.csv")
    columns = list(rows[0])
    dimensions = [
        c for c in columns[columns.index("ObservationID") + 1 :] if c not in attributes and c != "Freq"
    ]
    assert {"Sex", "Age", "Location", "Reporting Type"} <= set(dimensions)

    def number(text: str) -> float | None:
        return float(text) if text.strip() else None

    return [
        {
            "goal": [r["Goal"]],
            "target": [r["Target"]],
            "indicator": [r["Indicator"]],
            "series": r["SeriesCode"],
            "seriesDescription": r["SeriesDescription"],
            "seriesCount": r["SeriesObservationCount"],
            "geoAreaCode": r["GeoAreaCode"],
            "geoAreaName": r["GeoAreaName"],
            "timePeriodStart": float(r["TimePeriod"]),
            "value": r["Value"],
            "valueType": r["ValueType"],
            "time_detail": r["Time_Detail"] or None,
            "timeCoverage": None,
            "upperBound": number(r["UpperBound"]),
            "lowerBound": number(r["LowerBound"]),
            "basePeriod": None,
            "source": r["Source"],
            "geoInfoUrl": None,
            "footnotes": [r["FootNote"]],
            "attributes": {a: r[a] for a in attributes if r[a]},
            "dimensions": {d: r[d] for d in dimensions if r[d]},
        }
        for r in rows
    ]


def sdg_route(records: list[dict[str, Any]]) -> Route:
    def answer(query: dict[str, str]) -> Answer:
        wanted = [r for r in records if r["series"] == query.get("seriesCode")]
        size, page = int(query.get("pageSize", "25")), int(query.get("page", "1"))
        document = {
            "size": size,
            "totalElements": len(wanted),
            "totalPages": max(1, math.ceil(len(wanted) / size)),
            "pageNumber": page,
            "attributes": [{"id": "Nature", "codes": [{"code": "C", "description": "Country data"}]}],
            "dimensions": [{"id": "Sex", "codes": [{"code": "FEMALE", "description": "Female"}]}],
            "data": wanted[(page - 1) * size : page * size],
        }
        return 200, JSON, _json(document)

    return answer


@pytest.mark.parametrize("page_size", [None, 200])
def test_sdg_series(
    server: Server,
    sdg_records: list[dict[str, Any]],
    shared: Path,
    tmp_path: Path,
    page_size: int | None,
) -> None:
    server.api.routes["/sdgapi/v1/sdg/Series/Data"] = sdg_route(sdg_records)
    size = page_size or fetch.SDG_PAGE_SIZE
    got = fetch.fetch_sdg(SDG_SERIES, tmp_path, base=f"{server.root}/sdgapi", page_size=size)

    pages = math.ceil(len(sdg_records) / size)
    assert server.api.requests == [
        f"/sdgapi/v1/sdg/Series/Data?seriesCode={SDG_SERIES}&pageSize={size}&page={p}"
        for p in range(1, pages + 1)
    ]
    assert got.origin == f"{server.root}/sdgapi/v1/sdg/Series/Data?seriesCode={SDG_SERIES}&pageSize={size}"
    assert got.records == len(sdg_records)
    assert json.loads(got.path.read_bytes())["data"] == sdg_records
    assert got.sha256 == hashlib.sha256(got.path.read_bytes()).hexdigest()
    result = readers.read(got.path)
    assert readers.detect(got.path).name == got.format == sdg_database.NAME_JSON
    # The same observations as the Global Database's own CSV extract of the series, and the same
    # problems: the extract holds ownership rates above 100 %, which validation reports as errors.
    csv_result = readers.read(shared / "sdg-database" / "sdg-5.b.1-mobile-ownership.csv")
    assert sorted(p.message for p in result.problems) == sorted(p.message for p in csv_result.problems)
    assert any("outside 0-100" in p.message for p in result.errors)
    assert _observations(result.frame).equals(_observations(csv_result.frame))
    assert set(result.frame.get_column("sex")) == {"_T", "F", "M"}


def test_sdg_unknown_series(server: Server, sdg_records: list[dict[str, Any]], tmp_path: Path) -> None:
    server.api.routes["/sdgapi/v1/sdg/Series/Data"] = sdg_route(sdg_records)
    with pytest.raises(fetch.FetchError, match="no data for series IT_NOPE"):
        fetch.fetch_sdg("IT_NOPE", tmp_path, base=f"{server.root}/sdgapi")


# --- Failures common to every publisher --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("publisher", "code", "path"),
    [
        ("worldbank", WB_INDICATOR, f"/v2/country/all/indicator/{WB_INDICATOR}"),
        ("itu", "i99H", "/v2/data/bycode/11624"),
        ("sdg", SDG_SERIES, "/sdgapi/v1/sdg/Series/Data"),
    ],
)
def test_http_errors_and_non_json(
    server: Server, tmp_path: Path, publisher: str, code: str, path: str
) -> None:
    base = f"{server.root}/sdgapi" if publisher == "sdg" else f"{server.root}/v2"
    server.api.routes[path] = _static(b"upstream timed out", 503, "text/plain")
    with pytest.raises(fetch.FetchError, match="HTTP 503 .*: upstream timed out") as caught:
        fetch.fetch(publisher, code, tmp_path, base=base)
    assert caught.value.url.startswith(f"{server.root}{path}")

    server.api.routes[path] = _static(b"<html><body>Maintenance</body></html>", 200, "text/html")
    with pytest.raises(fetch.FetchError, match="not JSON \\(Content-Type text/html; starts '<html>"):
        fetch.fetch(publisher, code, tmp_path, base=base)

    del server.api.routes[path]
    with pytest.raises(fetch.FetchError, match="HTTP 404"):
        fetch.fetch(publisher, code, tmp_path, base=base)
    assert list(tmp_path.iterdir()) == []  # no file, not even a partial one


def test_unreachable_server(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(fetch.FetchError, match="cannot reach the server"):
        fetch.fetch_worldbank(WB_INDICATOR, tmp_path, base=f"http://127.0.0.1:{port}/v2", timeout=5)


def test_timeout(server: Server, tmp_path: Path) -> None:
    def slow(query: dict[str, str]) -> Answer:
        time.sleep(1.0)
        return 200, JSON, b"[]"

    server.api.routes["/v2/data/bycode/11624"] = slow
    start = time.perf_counter()
    with pytest.raises(fetch.FetchError, match="timeout"):
        fetch.fetch_itu("i99H", tmp_path, base=f"{server.root}/v2", timeout=0.2)
    assert time.perf_counter() - start < 1.0


def test_wrong_shape_is_named(server: Server, tmp_path: Path) -> None:
    server.api.routes[f"/v2/country/all/indicator/{WB_INDICATOR}"] = _static(_json({"data": []}))
    with pytest.raises(fetch.FetchError, match="not a World Bank API v2 answer"):
        fetch.fetch_worldbank(WB_INDICATOR, tmp_path, base=f"{server.root}/v2")
    server.api.routes["/sdgapi/v1/sdg/Series/Data"] = _static(_json([1, 2]))
    with pytest.raises(fetch.FetchError, match="not an SDG API Series/Data answer"):
        fetch.fetch_sdg(SDG_SERIES, tmp_path, base=f"{server.root}/sdgapi")
    server.api.routes["/v2/data/bycode/11624"] = _static(_json({"error": "x"}))
    with pytest.raises(fetch.FetchError, match="not an ITU DataHub series answer"):
        fetch.fetch_itu("i99H", tmp_path, base=f"{server.root}/v2")


def test_refuses_bad_codes_and_bases(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a valid World Bank series code"):
        fetch.fetch_worldbank("../../etc/passwd", tmp_path, base="http://127.0.0.1:9/v2")
    with pytest.raises(ValueError, match="not an http"):
        fetch.fetch_sdg(SDG_SERIES, tmp_path, base="file:///etc")
    with pytest.raises(ValueError, match="unknown publisher"):
        fetch.fetch("imf", "X", tmp_path)
    with pytest.raises(ValueError, match="ISO 3166-1 alpha-3"):
        fetch.fetch_itu("i99H", tmp_path, base="http://127.0.0.1:9/v2", iso3="US/../x")


def test_public_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in fetch.ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    assert fetch.base_url("worldbank") == "https://api.worldbank.org/v2"
    assert fetch.base_url("itu") == "https://api.datahub.itu.int/v2"
    assert fetch.base_url("sdg") == "https://unstats.un.org/sdgapi"
