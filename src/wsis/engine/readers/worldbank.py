"""World Bank WDI in its three shapes: the long CSV, the wide bulk ``API_..._DS2`` CSV, the API v2 JSON.

- Long CSV (``Country Name,Country Code,Year,Value``): one file per indicator, the indicator taken from
  the file name (``it.net.bbnd.p2.csv`` -> ``IT.NET.BBND.P2``).
- Bulk CSV (``API_<indicator>_DS2_...csv``): four preamble lines ("Data Source", "Last Updated Date") in
  downloads from the website, one column per year, often a trailing empty column. Its companion
  ``Metadata_Country_<same name>`` marks aggregates by an empty Region; when present it decides
  economy versus group, otherwise :data:`areas.WORLD_BANK_AGGREGATES` does.
- API v2 JSON: ``[paging, [records]]``; an error answer ``[{"message": [...]}]`` is reported as such.

World Bank aggregates (WLD, LIC, AFE, ...) become groups ``WB_<code>``, never economies.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polars as pl

from wsis.engine.readers import common
from wsis.engine.readers.csvio import ROW, decode, header_line, read_text_table, require_columns
from wsis.engine.readers.observation import Exclusion, Problem, ReadError, ReadResult, conform

NAME_LONG = "worldbank-long-csv"
NAME_WIDE = "worldbank-bulk-csv"
NAME_JSON = "worldbank-api-json"
LONG_COLUMNS = ("Country Name", "Country Code", "Year", "Value")
SOURCE = "World Bank, World Development Indicators"

# WDI codes end in a unit mnemonic; https://datahelpdesk.worldbank.org explains the naming convention.
UNIT_SUFFIXES = {
    "ZS": "percent",
    "P2": "per_100",
    "P3": "per_1000",
    "CD": "usd",
    "TOTL": "count",
    "KD": "usd_constant",
}


def unit_for(indicator: str) -> str:
    return UNIT_SUFFIXES.get(indicator.rsplit(".", 1)[-1].upper(), "unknown")


def sniff_long(path: Path) -> bool:
    header = header_line(path).replace('"', "")
    return path.suffix.lower() == ".csv" and header.strip().split(",")[:4] == list(LONG_COLUMNS)


def sniff_wide(path: Path) -> bool:
    header = header_line(path).replace('"', "")
    return (
        path.suffix.lower() == ".csv"
        and not path.name.startswith("Metadata_")
        and (
            header.startswith("Data Source") or header.startswith("Country Name,Country Code,Indicator Name")
        )
    )


def read_long(path: Path) -> ReadResult:
    frame = read_text_table(path, decode(path))
    require_columns(path, frame, LONG_COLUMNS)
    indicator = path.stem.upper()
    return _finish(path, frame, "Country Code", "Year", "Value", indicator, None, NAME_LONG)


def read_wide(path: Path) -> ReadResult:
    text = decode(path)
    lines = text.splitlines()
    skip = next((i for i, line in enumerate(lines) if line.lstrip('"').startswith("Country Name")), None)
    if skip is None:
        raise ReadError(path, "no 'Country Name' header line: not a World Bank bulk CSV")
    frame = read_text_table(path, text, skip_lines=skip)
    require_columns(path, frame, ("Country Name", "Country Code", "Indicator Code"))
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}", c)]
    stray = [
        c
        for c in frame.columns
        if c not in years
        and c not in {ROW, "Country Name", "Country Code", "Indicator Name", "Indicator Code"}
    ]
    problems = [
        Problem(str(path), 1 + skip, c, "unexpected column ignored", "warning")
        for c in stray
        if not c.startswith("_duplicated") and c != "" and frame.get_column(c).drop_nulls().len() > 0
    ]
    long = frame.unpivot(
        index=[ROW, "Country Code", "Indicator Code"], on=years, variable_name="Year", value_name="Value"
    )
    long = long.filter(pl.col("Value").is_not_null() & (pl.col("Value").str.strip_chars() != ""))
    groups = _metadata_groups(path)
    result = _finish(path, long, "Country Code", "Year", "Value", None, groups, NAME_WIDE)
    result.problems[:0] = problems
    return result


def _metadata_groups(path: Path) -> set[str] | None:
    """Codes the companion Metadata_Country file marks as aggregates (no Region); None without it."""
    meta = path.with_name("Metadata_Country_" + path.name)
    if not meta.is_file():
        return None
    frame = read_text_table(meta, decode(meta))
    require_columns(meta, frame, ("Country Code", "Region"))
    no_region = pl.col("Region").is_null() | (pl.col("Region").str.strip_chars() == "")
    return set(frame.filter(no_region).get_column("Country Code").to_list())


def _finish(
    path: Path,
    frame: pl.DataFrame,
    code: str,
    year: str,
    value: str,
    indicator: str | None,
    groups: set[str] | None,
    reader: str,
) -> ReadResult:
    source_records = frame.height
    problems = common.required(path, frame, (code, year))
    empty = pl.col(value).is_null() | pl.col(value).str.strip_chars().is_in(common.MISSING_MARKERS)
    exclusions = [
        Exclusion(str(path), r, "no value published") for r in frame.filter(empty).get_column(ROW).to_list()
    ]
    frame = frame.filter(~empty)
    frame, found = common.numbers(path, frame, value)
    problems += found
    frame, found = common.year_period(path, frame, year)
    problems += found
    frame, found = _areas(path, frame, code, groups)
    problems += found
    ind = pl.lit(indicator) if indicator else pl.col("Indicator Code").str.strip_chars()
    frame = frame.with_columns(ind.alias("indicator"))
    frame = frame.with_columns(
        pl.col("indicator").map_elements(unit_for, return_dtype=pl.String).alias("unit"),
        pl.lit(SOURCE).alias("source"),
        pl.lit("reported").alias("nature"),
        pl.col(ROW).alias("source_row"),
    )
    return ReadResult(conform(frame), problems, exclusions, [], source_records, reader)


def _areas(
    path: Path, frame: pl.DataFrame, code: str, groups: set[str] | None
) -> tuple[pl.DataFrame, list[Problem]]:
    if groups is None:
        return common.resolve_codes(path, frame, code, groups="WB")
    codes = frame.get_column(code).fill_null("").unique().to_list()
    area: dict[str, str | None] = {}
    for c in codes:
        area[c] = f"WB_{c}" if c in groups else common.areas.economy_code(c)
    key = pl.col(code).fill_null("")
    frame = frame.with_columns(
        key.replace_strict(area, default=None, return_dtype=pl.String).alias("area"),
        pl.when(key.is_in(list(groups)))
        .then(pl.lit("group"))
        .otherwise(pl.lit("economy"))
        .alias("area_kind"),
    )
    problems = common.problems_where(
        path, frame, pl.col("area").is_null(), code, pl.format("unknown area code {}", pl.col(code))
    )
    return frame, problems


def sniff_json(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    head = _head(path, 1 << 16)
    return '"countryiso3code"' in head or ('"page"' in head and '"per_page"' in head)


def _head(path: Path, size: int = 2048) -> str:
    with path.open("rb") as handle:
        return handle.read(size).decode("utf-8", errors="replace")


def read_json(path: Path) -> ReadResult:
    payload = _load_json(path)
    if (
        isinstance(payload, list)
        and len(payload) == 1
        and isinstance(payload[0], dict)
        and "message" in payload[0]
    ):
        messages = "; ".join(str(m.get("value", m)) for m in payload[0]["message"] if isinstance(m, dict))
        raise ReadError(path, f"the World Bank API answered with an error: {messages}")
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], dict)):
        raise ReadError(path, "not a World Bank API v2 answer: expected [paging, records]")
    records = payload[1] or []
    if not isinstance(records, list):
        raise ReadError(path, "records (second element) is not a list", row=None)
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            problems.append(Problem(str(path), index, None, "record is not an object"))
            continue
        value = record.get("value")
        rows.append(
            {
                ROW: index,
                "Country Code": str(record.get("countryiso3code") or ""),
                "Indicator Code": str((record.get("indicator") or {}).get("id") or ""),
                "Year": str(record.get("date") or ""),
                "Value": None if value is None else str(value),
            }
        )
    schema = {
        ROW: pl.Int64,
        "Country Code": pl.String,
        "Indicator Code": pl.String,
        "Year": pl.String,
        "Value": pl.String,
    }
    frame = pl.DataFrame(rows, schema=schema)
    problems += common.required(path, frame, ("Indicator Code",))
    result = _finish(path, frame, "Country Code", "Year", "Value", None, None, NAME_JSON)
    result.problems[:0] = problems
    return result


def _load_json(path: Path) -> Any:
    try:
        return json.loads(decode(path))
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"invalid JSON ({exc.msg}; truncated file?)", row=exc.lineno) from None
