"""World Bank income groups (LIC, LMC, UMC, HIC) by fiscal year, read from the World Bank's own formats.

The World Bank re-classifies economies every 1 July, at the start of its fiscal year: the classification
"for FY2025" holds from 1 July 2024 to 30 June 2025. The project therefore ships no income memberships;
it ships this loader, which turns one World Bank release into :class:`~wsis.reference.schema.Membership`
objects valid from 1 July of the fiscal year's start to the next 1 July (exclusive).

Formats read, each as the World Bank (or a known re-publisher) writes it:

* the bulk-download ``Metadata_Country_*.csv`` beside every ``API_..._DS2`` file (columns
  "Country Code", "Region", "IncomeGroup", ...); aggregates such as WLD or LIC have no region and are
  skipped, never mistaken for economies;
* ``CLASS.xlsx`` (sheet "List of economies": Economy, Code, Region, Income group, Lending category);
* the Open Data Watch ``odw-country-region-codes`` CSV, whose income column names its vintage
  ("World Bank Income Group Code (July 2020)");
* the JSON of the World Bank API v2 ``country`` end point (:func:`fetch`, :func:`parse_api`).

Bad input never raises half-way: every reader returns an :class:`IncomeClassification` whose
``problems`` name the file, the row and the column of each fault.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wsis.reference.loader import Problem
from wsis.reference.schema import Membership

#: The World Bank's four income groups, by the codes used in groups.yaml and in the World Bank API.
INCOME_GROUPS: tuple[str, ...] = ("LIC", "LMC", "UMC", "HIC")

#: The group names the World Bank writes in its files (compared case-insensitively).
_BY_NAME = {
    "low income": "LIC",
    "lower middle income": "LMC",
    "upper middle income": "UMC",
    "high income": "HIC",
}

#: Values that mean "listed, but not classified" (Venezuela has been unclassified since FY2022).
_UNCLASSIFIED = {"", "..", "inx", "not classified"}

API_URL = "https://api.worldbank.org/v2/country"

_CODE = re.compile(r"^[A-Z0-9]{3}$")


def validity(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """The period a classification for World Bank fiscal year ``fiscal_year`` holds (end exclusive)."""
    return dt.date(fiscal_year - 1, 7, 1), dt.date(fiscal_year, 7, 1)


def fiscal_year_on(day: dt.date) -> int:
    """The World Bank fiscal year that ``day`` falls in (FY2025 runs 1 July 2024 to 30 June 2025)."""
    return day.year + 1 if day.month >= 7 else day.year


@dataclass
class IncomeClassification:
    """One World Bank release turned into memberships, with everything that was not used and why."""

    fiscal_year: int
    origin: str
    memberships: list[Membership] = field(default_factory=list)
    #: Economies the release lists without an income group.
    unclassified: list[str] = field(default_factory=list)
    #: Rows left out on purpose: World Bank codes that are not economies of economies.yaml (Kosovo XKX,
    #: Channel Islands CHI...). Not errors in the file, but reported so nothing vanishes silently.
    skipped: list[Problem] = field(default_factory=list)
    #: Faults in the file: each names the file, the row and the column.
    problems: list[Problem] = field(default_factory=list)

    def group_of(self, economy: str) -> str | None:
        return next((m.group for m in self.memberships if m.economy == economy), None)

    def members(self, group: str) -> list[str]:
        return sorted(m.economy for m in self.memberships if m.group == group)


@dataclass(frozen=True)
class _Row:
    """One economy row of any format, reduced to what the classification needs."""

    entry: str
    code: str
    income: str
    code_column: str
    income_column: str


def _income_code(value: str) -> str | None:
    """ "Lower middle income" or "LMC" -> "LMC"; None for "not classified"; raises ValueError otherwise."""
    cleaned = " ".join(value.split())
    if cleaned.lower() in _UNCLASSIFIED:
        return None
    if cleaned.upper() in INCOME_GROUPS:
        return cleaned.upper()
    try:
        return _BY_NAME[cleaned.lower()]
    except KeyError:
        raise ValueError(
            f"unknown income group {value!r} (expected one of {', '.join(INCOME_GROUPS)})"
        ) from None


def _classify(
    rows: Iterable[_Row],
    *,
    file: str,
    fiscal_year: int,
    origin: str,
    economies: Collection[str] | None,
    result: IncomeClassification | None = None,
) -> IncomeClassification:
    result = result or IncomeClassification(fiscal_year=fiscal_year, origin=origin)
    start, end = validity(fiscal_year)
    source = f"World Bank income classification FY{fiscal_year} (from {start.isoformat()}), {origin}"
    seen: dict[str, tuple[str, str | None]] = {}
    for row in rows:
        code = row.code.strip()
        if not _CODE.match(code):
            result.problems.append(
                Problem(file, row.entry, row.code_column, f"not an economy code: {code!r}")
            )
            continue
        entry = f"{row.entry} ({code})"
        try:
            group = _income_code(row.income)
        except ValueError as exc:
            result.problems.append(Problem(file, entry, row.income_column, str(exc)))
            continue
        if code in seen:
            # A repeat that agrees is harmless (ODW's table lists the Faroe Islands twice); one that
            # disagrees leaves the economy's group unknown.
            first, first_group = seen[code]
            if first_group == group:
                message = f"listed again (first at {first}) with the same income group; repeat ignored"
                result.skipped.append(Problem(file, entry, row.code_column, message))
            else:
                message = (
                    f"listed again (first at {first}) with another income group: {first_group} vs {group}"
                )
                result.problems.append(Problem(file, entry, row.income_column, message))
                result.memberships = [m for m in result.memberships if m.economy != code]
            continue
        seen[code] = (row.entry, group)
        if economies is not None and code not in economies:
            message = "not an economy of economies.yaml (a publisher-only code); left out"
            result.skipped.append(Problem(file, entry, row.code_column, message))
            continue
        if group is None:
            result.unclassified.append(code)
            continue
        result.memberships.append(
            Membership(group=group, economy=code, valid_from=start, valid_to=end, source=source)
        )
    return result


def _csv_records(path: Path, problems: list[Problem]) -> tuple[list[str], list[list[str]]] | None:
    """Header and records of a CSV file as publishers write it (UTF-8, often with a byte-order mark)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle))
    except FileNotFoundError:
        problems.append(Problem(path.name, "file", "", f"missing (looked in {path.parent})"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(path.name, "file", "", f"not UTF-8 text: {exc}"))
        return None
    if not records:
        problems.append(Problem(path.name, "file", "", "empty file"))
        return None
    return [" ".join(h.split()) for h in records[0]], records[1:]


def _columns(
    header: list[str], wanted: Iterable[str], file: str, problems: list[Problem]
) -> dict[str, int] | None:
    index = {name: i for i, name in enumerate(header) if name}
    missing = [name for name in wanted if name not in index]
    for name in missing:
        problems.append(Problem(file, "row 1 (header)", name, f"column missing (found: {', '.join(index)})"))
    return None if missing else index


def _cell(record: list[str], i: int) -> str:
    return record[i].strip() if i < len(record) else ""


# --- Metadata_Country_*.csv (bulk download beside API_..._DS2 files) --------------------------------


def read_metadata_country(
    path: Path, fiscal_year: int, economies: Collection[str] | None = None
) -> IncomeClassification:
    """Read a bulk-download ``Metadata_Country_*.csv``.

    The file does not say its vintage: it holds the classification current when it was downloaded, so
    the caller gives the fiscal year. Rows without a region are World Bank aggregates and are skipped.
    """
    result = IncomeClassification(fiscal_year=fiscal_year, origin=path.name)
    parsed = _csv_records(path, result.problems)
    if parsed is None:
        return result
    header, records = parsed
    cols = _columns(header, ("Country Code", "Region", "IncomeGroup"), path.name, result.problems)
    if cols is None:
        return result

    def rows() -> Iterator[_Row]:
        for number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if not _cell(record, cols["Region"]):
                continue  # an aggregate (WLD, AFE, LIC...): aggregates have no region
            yield _Row(
                f"row {number}",
                _cell(record, cols["Country Code"]),
                _cell(record, cols["IncomeGroup"]),
                "Country Code",
                "IncomeGroup",
            )

    return _classify(
        rows(), file=path.name, fiscal_year=fiscal_year, origin=path.name, economies=economies, result=result
    )


# --- CLASS.xlsx (the World Bank's classification workbook) -------------------------------------------

CLASS_SHEET = "List of economies"
_CLASS_COLUMNS = ("Economy", "Code", "Region", "Income group")


def read_class_xlsx(
    path: Path, fiscal_year: int, economies: Collection[str] | None = None
) -> IncomeClassification:
    """Read the World Bank's ``CLASS.xlsx``, sheet "List of economies".

    CLASS.xlsx of July of year N is the classification for FY(N+1). Rows without a region (the group
    aggregates listed after the economies) are skipped.
    """
    from openpyxl import load_workbook  # only this reader needs it

    result = IncomeClassification(fiscal_year=fiscal_year, origin=path.name)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        result.problems.append(Problem(path.name, "file", "", f"missing (looked in {path.parent})"))
        return result
    except Exception as exc:  # openpyxl raises several unrelated types for a file that is not a workbook
        result.problems.append(Problem(path.name, "file", "", f"not an Excel workbook: {exc}"))
        return result
    try:
        if CLASS_SHEET not in workbook.sheetnames:
            sheets = ", ".join(workbook.sheetnames)
            result.problems.append(
                Problem(path.name, f"sheet {CLASS_SHEET!r}", "", f"missing (found: {sheets})")
            )
            return result
        records = [
            ["" if v is None else " ".join(str(v).split()) for v in values]
            for values in workbook[CLASS_SHEET].iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    file = f"{path.name} [{CLASS_SHEET}]"
    # Some vintages put a title above the header: the header is the first row naming "Code".
    header_at = next((i for i, r in enumerate(records[:10]) if "Code" in r), None)
    if header_at is None:
        result.problems.append(Problem(file, "rows 1-10", "Code", "no header row with a 'Code' column"))
        return result
    cols = _columns(records[header_at], _CLASS_COLUMNS, file, result.problems)
    if cols is None:
        return result

    def rows() -> Iterator[_Row]:
        for number, record in enumerate(records[header_at + 1 :], start=header_at + 2):
            if not any(record) or not _cell(record, cols["Region"]):
                continue  # blank line, or an aggregate (no region)
            yield _Row(
                f"row {number}",
                _cell(record, cols["Code"]),
                _cell(record, cols["Income group"]),
                "Code",
                "Income group",
            )

    return _classify(
        rows(), file=file, fiscal_year=fiscal_year, origin=path.name, economies=economies, result=result
    )


# --- Open Data Watch country-region codes ------------------------------------------------------------

_ODW_INCOME = re.compile(r"^World Bank Income Group Code \((January|July) (\d{4})\)$")
_MONTHS = {"January": 1, "July": 7}


def read_odw(path: Path, economies: Collection[str] | None = None) -> IncomeClassification:
    """Read Open Data Watch's ``odw-country-region-codes`` table.

    Its income column names the World Bank release ("... (July 2020)"), from which the fiscal year
    follows (July 2020 -> FY2021). The table ends at the first blank row; footnotes and counts follow.
    """
    result = IncomeClassification(fiscal_year=0, origin=path.name)
    parsed = _csv_records(path, result.problems)
    if parsed is None:
        return result
    header, records = parsed
    income_column = next((name for name in header if _ODW_INCOME.match(name)), None)
    if income_column is None:
        message = "no 'World Bank Income Group Code (July YYYY)' column: the release date is unknown"
        result.problems.append(Problem(path.name, "row 1 (header)", "World Bank Income Group Code", message))
        return result
    vintage = _ODW_INCOME.match(income_column)
    assert vintage is not None  # matched just above
    released = dt.date(int(vintage.group(2)), _MONTHS[vintage.group(1)], 1)
    result.fiscal_year = fiscal_year_on(released)
    cols = _columns(header, ("ISO-3 Code", income_column), path.name, result.problems)
    if cols is None:
        return result

    def rows() -> Iterator[_Row]:
        for number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                return  # end of the table: notes and summary counts follow
            yield _Row(
                f"row {number}",
                _cell(record, cols["ISO-3 Code"]),
                _cell(record, cols[income_column]),
                "ISO-3 Code",
                income_column,
            )

    return _classify(
        rows(),
        file=path.name,
        fiscal_year=result.fiscal_year,
        origin=path.name,
        economies=economies,
        result=result,
    )


# --- World Bank API v2 -------------------------------------------------------------------------------


def api_url(page: int = 1, per_page: int = 400, base: str = API_URL) -> str:
    """The URL of one page of the World Bank API v2 country list, as JSON."""
    query = urllib.parse.urlencode({"format": "json", "per_page": per_page, "page": page})
    return f"{base}?{query}"


def parse_api(
    payload: Any,
    fiscal_year: int,
    economies: Collection[str] | None = None,
    origin: str = "World Bank API v2",
) -> IncomeClassification:
    """Turn the JSON of ``/v2/country`` into memberships.

    The answer is ``[{page information}, [{"id": "AFG", "incomeLevel": {"id": "LIC"}, "region": ...}]]``.

    Aggregates have the region id "NA" ("Aggregates") and are skipped.
    """
    result = IncomeClassification(fiscal_year=fiscal_year, origin=origin)
    items = _api_items(payload, origin, result.problems)
    if items is None:
        return result

    def rows() -> Iterator[_Row]:
        for i, item in enumerate(items):
            entry = f"item {i}"
            if not isinstance(item, dict):
                result.problems.append(Problem(origin, entry, "", "expected an object"))
                continue
            region = item.get("region")
            region_id = region.get("id") if isinstance(region, dict) else None
            if not isinstance(region_id, str):
                result.problems.append(Problem(origin, entry, "region.id", "missing"))
                continue
            if region_id.strip() in ("", "NA"):
                continue  # an aggregate
            level = item.get("incomeLevel")
            income = level.get("id") if isinstance(level, dict) else None
            if not isinstance(income, str):
                result.problems.append(Problem(origin, entry, "incomeLevel.id", "missing"))
                continue
            yield _Row(entry, str(item.get("id", "")), income, "id", "incomeLevel.id")

    return _classify(
        rows(), file=origin, fiscal_year=fiscal_year, origin=origin, economies=economies, result=result
    )


def _api_items(payload: Any, origin: str, problems: list[Problem]) -> list[Any] | None:
    if isinstance(payload, list) and payload and isinstance(payload[0], dict) and "message" in payload[0]:
        problems.append(
            Problem(origin, "response", "message", f"the API answered an error: {payload[0]['message']}")
        )
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[1], list)):
        problems.append(Problem(origin, "response", "", "expected [page information, [economies...]]"))
        return None
    return payload[1]


def _pages(payload: Any) -> int:
    info = payload[0] if isinstance(payload, list) and payload and isinstance(payload[0], dict) else {}
    try:
        return int(info.get("pages", 1))
    except (TypeError, ValueError):
        return 1


def fetch(
    fiscal_year: int | None = None,
    economies: Collection[str] | None = None,
    base: str = API_URL,
    timeout: float = 30.0,
) -> IncomeClassification:
    """Download the current classification from the World Bank API v2, every page of it.

    The API only knows the current classification, so ``fiscal_year`` defaults to today's. Network
    failures raise :class:`OSError` (``urllib.error.URLError``); a malformed answer becomes problems.
    """
    fiscal_year = fiscal_year or fiscal_year_on(dt.date.today())
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {base}")
    items: list[Any] = []
    page, pages = 1, 1
    while page <= pages:
        url = api_url(page=page, base=base)
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            payload = json.loads(response.read().decode("utf-8"))
        if _api_items(payload, url, []) is None:
            return parse_api(payload, fiscal_year, economies, origin=url)
        items.extend(payload[1])
        pages = _pages(payload)
        page += 1
    return parse_api([{"pages": pages}, items], fiscal_year, economies, origin=api_url(base=base))
