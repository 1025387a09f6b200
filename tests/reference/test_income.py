"""World Bank income groups: the loader on the World Bank's real files, its error reports, and the API."""

from __future__ import annotations

import csv
import datetime as dt
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from openpyxl import Workbook

from wsis.reference import income, loader
from wsis.reference.checks import _memberships
from wsis.reference.loader import PACKAGE_DATA, Knowledge, Problem
from wsis.reference.schema import EconomiesFile, GroupsFile


@pytest.fixture(scope="module")
def files() -> tuple[EconomiesFile, GroupsFile]:
    problems: list[Problem] = []
    econ = loader._read(PACKAGE_DATA / "economies.yaml", EconomiesFile, problems)
    groups = loader._read(PACKAGE_DATA / "groups.yaml", GroupsFile, problems)
    assert econ is not None and groups is not None and problems == [], [str(p) for p in problems]
    return econ, groups


@pytest.fixture(scope="module")
def economies(files: tuple[EconomiesFile, GroupsFile]) -> set[str]:
    return {e.iso3 for e in files[0].economies}


@pytest.fixture(scope="module")
def metadata_file(shared: Path) -> Path:
    found = sorted((shared / "worldbank").glob("Metadata_Country_*.csv"))
    assert found, f"no Metadata_Country_*.csv in {shared / 'worldbank'}"
    return found[0]


def _raw(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --- fiscal years ------------------------------------------------------------------------------------


def test_fiscal_year_validity_runs_from_one_july_to_the_next() -> None:
    assert income.validity(2025) == (dt.date(2024, 7, 1), dt.date(2025, 7, 1))
    assert income.fiscal_year_on(dt.date(2024, 6, 30)) == 2024
    assert income.fiscal_year_on(dt.date(2024, 7, 1)) == 2025


# --- Metadata_Country_*.csv (real) -------------------------------------------------------------------


def test_metadata_country_file(metadata_file: Path, economies: set[str]) -> None:
    result = income.read_metadata_country(metadata_file, 2025, economies)
    assert result.problems == []
    raw = _raw(metadata_file)
    aggregates = {r["Country Code"] for r in raw if not r["Region"].strip()}
    assert {"WLD", "LIC", "HIC", "AFE"} <= aggregates  # the file does hold aggregates...
    members = [m.economy for m in result.memberships]
    assert len(members) == len(set(members))
    assert aggregates.isdisjoint(members)  # ...and none became an economy
    assert set(members) <= economies
    # Everything with a region is accounted for: a membership, unclassified, or skipped (non-ISO codes).
    with_region = {r["Country Code"] for r in raw if r["Region"].strip()}
    skipped = {p.entry.split("(")[1].rstrip(")") for p in result.skipped}
    assert with_region == set(members) | set(result.unclassified) | skipped
    assert {"XKX", "CHI"} <= skipped  # Kosovo and the Channel Islands have World Bank codes only
    assert "VEN" in result.unclassified  # unclassified since July 2021
    assert {m.group for m in result.memberships} == set(income.INCOME_GROUPS)
    for m in result.memberships:
        assert (m.valid_from, m.valid_to) == (dt.date(2024, 7, 1), dt.date(2025, 7, 1))
        assert "FY2025" in m.source and metadata_file.name in m.source
    assert result.group_of("USA") == "HIC"
    assert result.group_of("AFG") == "LIC"
    assert result.group_of("IND") == "LMC"
    assert result.group_of("CHN") == "UMC"


def test_metadata_country_without_economy_filter_keeps_world_bank_codes(metadata_file: Path) -> None:
    result = income.read_metadata_country(metadata_file, 2025)
    assert result.group_of("XKX") is not None and result.skipped == []


# --- odw-country-region-codes (real) -----------------------------------------------------------------


def test_odw_file(shared: Path, economies: set[str]) -> None:
    path = shared / "classifications" / "odw-country-region-codes-2021.csv"
    result = income.read_odw(path, economies)
    assert result.problems == []
    assert result.fiscal_year == 2021  # the column says "(July 2020)"
    members = [m.economy for m in result.memberships]
    assert len(members) == len(set(members)) and set(members) <= economies
    for m in result.memberships:
        assert (m.valid_from, m.valid_to) == (dt.date(2020, 7, 1), dt.date(2021, 7, 1))
    # The table lists the Faroe Islands twice with the same group: kept once, the repeat reported.
    assert members.count("FRO") == 1
    assert any("FRO" in p.entry and "listed again" in p.message for p in result.skipped)
    # ODW-only codes (Former Yugoslavia, Sark, Kosovo) are left out, not errors.
    assert {"YUG", "GGS", "XKX"} <= {p.entry.split("(")[1].rstrip(")") for p in result.skipped}
    # Footnotes and summary counts after the table are not read as economies.
    assert all(len(m.economy) == 3 for m in result.memberships)
    assert result.group_of("USA") == "HIC" and result.group_of("AFG") == "LIC"
    assert result.group_of("IND") == "LMC" and result.group_of("CHN") == "UMC"


def test_two_fiscal_years_do_not_overlap(shared: Path, metadata_file: Path, files, economies) -> None:
    """Memberships of different releases sit side by side in the knowledge without overlapping."""
    econ, groups = files
    fy21 = income.read_odw(shared / "classifications" / "odw-country-region-codes-2021.csv", economies)
    fy25 = income.read_metadata_country(metadata_file, 2025, economies)
    problems: list[Problem] = []
    k = Knowledge(
        directory=PACKAGE_DATA,
        versions={},
        action_lines={},
        goals={},
        targets={},
        sdg_indicators={},
        matrix=None,  # type: ignore[arg-type]
        regions={},
        economies=loader._index(econ.economies, "iso3", "economies.yaml", "economies", problems),
        groups=loader._index(groups.groups, "code", "groups.yaml", "groups", problems),
        memberships=[*groups.memberships, *fy21.memberships, *fy25.memberships],
        indicators={},
        connectivity_targets={},
        crosswalk=None,  # type: ignore[arg-type]  # not needed here
    )
    assert [str(p) for p in _memberships(k)] == []
    assert k.members("LIC", dt.date(2021, 1, 1)) == fy21.members("LIC")
    assert k.members("HIC", dt.date(2025, 1, 1)) == fy25.members("HIC")


# --- bad input ---------------------------------------------------------------------------------------

HEADER = '"Country Code","Region","IncomeGroup","SpecialNotes","TableName",\n'


def test_unknown_income_group_names_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "Metadata_Country_test.csv"
    path.write_text(
        HEADER
        + '"AFG","South Asia","Low income","","Afghanistan",\n'
        + '"ALB","Europe & Central Asia","Middle income","","Albania",\n'
        + '"WLD","","","","World",\n'
        + '"A1","South Asia","Low income","","Bad code",\n',
        encoding="utf-8",
    )
    result = income.read_metadata_country(path, 2025)
    assert [m.economy for m in result.memberships] == ["AFG"]
    assert [(p.file, p.entry, p.field) for p in result.problems] == [
        (path.name, "row 3 (ALB)", "IncomeGroup"),
        (path.name, "row 5", "Country Code"),
    ]
    assert "Middle income" in result.problems[0].message


def test_conflicting_repeat_is_a_problem_and_no_membership(tmp_path: Path) -> None:
    path = tmp_path / "Metadata_Country_test.csv"
    path.write_text(
        HEADER
        + '"AFG","South Asia","Low income","","Afghanistan",\n'
        + '"AFG","South Asia","High income","","Afghanistan again",\n',
        encoding="utf-8",
    )
    result = income.read_metadata_country(path, 2025)
    assert result.memberships == []
    assert [(p.entry, p.field) for p in result.problems] == [("row 3 (AFG)", "IncomeGroup")]


def test_missing_column_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "Metadata_Country_test.csv"
    path.write_text('"Country Code","Region"\n"AFG","South Asia"\n', encoding="utf-8")
    result = income.read_metadata_country(path, 2025)
    assert [(p.entry, p.field) for p in result.problems] == [("row 1 (header)", "IncomeGroup")]
    gone = income.read_metadata_country(tmp_path / "absent.csv", 2025)
    assert [(p.file, p.entry) for p in gone.problems] == [("absent.csv", "file")]


def test_odw_without_a_dated_income_column(tmp_path: Path) -> None:
    path = tmp_path / "odw.csv"
    path.write_text("ISO-3 Code,World Bank Income Group Code\nAFG,LIC\n", encoding="utf-8")
    result = income.read_odw(path)
    assert result.memberships == [] and [p.field for p in result.problems] == ["World Bank Income Group Code"]


# --- CLASS.xlsx (layout of the World Bank workbook) --------------------------------------------------


def _class_workbook(path: Path, rows: list[tuple[object, ...]], sheet: str = income.CLASS_SHEET) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(("Economy", "Code", "Region", "Income group", "Lending category"))
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_class_xlsx(tmp_path: Path) -> None:
    path = _class_workbook(
        tmp_path / "CLASS.xlsx",
        [
            ("Afghanistan", "AFG", "South Asia", "Low income", "IDA"),
            ("India", "IND", "South Asia", "Lower middle income", "IBRD"),
            ("China", "CHN", "East Asia & Pacific", "Upper middle income", "IBRD"),
            ("United States", "USA", "North America", "High income", None),
            ("Venezuela, RB", "VEN", "Latin America & Caribbean", None, None),
            (None, None, None, None, None),
            ("World", "WLD", None, None, None),
            ("Low income", "LIC", None, None, None),
        ],
    )
    result = income.read_class_xlsx(path, 2026)
    assert result.problems == []
    assert {m.economy: m.group for m in result.memberships} == {
        "AFG": "LIC",
        "IND": "LMC",
        "CHN": "UMC",
        "USA": "HIC",
    }
    assert result.unclassified == ["VEN"]
    assert {(m.valid_from, m.valid_to) for m in result.memberships} == {
        (dt.date(2025, 7, 1), dt.date(2026, 7, 1))
    }


def test_class_xlsx_errors_name_sheet_row_and_column(tmp_path: Path) -> None:
    path = _class_workbook(
        tmp_path / "CLASS.xlsx", [("Albania", "ALB", "Europe & Central Asia", "Middle", "IBRD")]
    )
    result = income.read_class_xlsx(path, 2026)
    assert [(p.file, p.entry, p.field) for p in result.problems] == [
        ("CLASS.xlsx [List of economies]", "row 2 (ALB)", "Income group")
    ]
    wrong_sheet = _class_workbook(tmp_path / "other.xlsx", [], sheet="Sheet1")
    assert [p.entry for p in income.read_class_xlsx(wrong_sheet, 2026).problems] == [
        "sheet 'List of economies'"
    ]
    not_excel = tmp_path / "CLASS_bad.xlsx"
    not_excel.write_text("not a workbook", encoding="utf-8")
    assert [p.entry for p in income.read_class_xlsx(not_excel, 2026).problems] == ["file"]


# --- World Bank API v2 -------------------------------------------------------------------------------

PAGE_1 = [
    {"page": 1, "pages": 2, "per_page": "3", "total": 5},
    [
        {
            "id": "ABW",
            "iso2Code": "AW",
            "name": "Aruba",
            "region": {"id": "LCN", "iso2code": "ZJ", "value": "Latin America & Caribbean "},
            "incomeLevel": {"id": "HIC", "iso2code": "XD", "value": "High income"},
        },
        {
            "id": "AFE",
            "iso2Code": "ZH",
            "name": "Africa Eastern and Southern",
            "region": {"id": "NA", "iso2code": "NA", "value": "Aggregates"},
            "incomeLevel": {"id": "NA", "iso2code": "NA", "value": "Aggregates"},
        },
        {
            "id": "AFG",
            "iso2Code": "AF",
            "name": "Afghanistan",
            "region": {"id": "SAS", "iso2code": "8S", "value": "South Asia"},
            "incomeLevel": {"id": "LIC", "iso2code": "XM", "value": "Low income"},
        },
    ],
]
PAGE_2 = [
    {"page": 2, "pages": 2, "per_page": "3", "total": 5},
    [
        {
            "id": "VEN",
            "region": {"id": "LCN", "value": "Latin America & Caribbean "},
            "incomeLevel": {"id": "INX", "value": "Not classified"},
        },
        {"id": "XKX", "region": {"id": "ECS"}, "incomeLevel": {"id": "UMC"}},
    ],
]


def test_api_url() -> None:
    url = urllib.parse.urlsplit(income.api_url())
    assert (url.scheme, url.netloc, url.path) == ("https", "api.worldbank.org", "/v2/country")
    assert urllib.parse.parse_qs(url.query) == {"format": ["json"], "per_page": ["400"], "page": ["1"]}


def test_parse_api_skips_aggregates() -> None:
    result = income.parse_api(PAGE_1, 2026)
    assert result.problems == []
    assert {m.economy: m.group for m in result.memberships} == {"ABW": "HIC", "AFG": "LIC"}


def test_parse_api_reports_bad_shapes() -> None:
    error = [
        {
            "message": [
                {"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"}
            ]
        }
    ]
    assert [p.field for p in income.parse_api(error, 2026).problems] == ["message"]
    assert [p.entry for p in income.parse_api({"oops": 1}, 2026).problems] == ["response"]
    broken = [{"page": 1}, [{"id": "AFG", "region": {"id": "SAS"}}, "text"]]
    assert [(p.entry, p.field) for p in income.parse_api(broken, 2026).problems] == [
        ("item 0", "incomeLevel.id"),
        ("item 1", ""),
    ]


@pytest.fixture()
def api_server() -> Iterator[str]:
    """A real HTTP server on the loopback interface answering like the World Bank API, two pages."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            body = json.dumps(PAGE_2 if query.get("page") == ["2"] else PAGE_1).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v2/country"
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_reads_every_page(api_server: str, economies: set[str]) -> None:
    result = income.fetch(2026, economies, base=api_server, timeout=5)
    assert result.problems == []
    assert {m.economy: m.group for m in result.memberships} == {"ABW": "HIC", "AFG": "LIC"}
    assert result.unclassified == ["VEN"]
    assert [p.entry for p in result.skipped] == ["item 4 (XKX)"]
    assert {(m.valid_from, m.valid_to) for m in result.memberships} == {
        (dt.date(2025, 7, 1), dt.date(2026, 7, 1))
    }


def test_fetch_refuses_other_schemes() -> None:
    with pytest.raises(ValueError, match="not an http"):
        income.fetch(2026, base="file:///etc/passwd")
