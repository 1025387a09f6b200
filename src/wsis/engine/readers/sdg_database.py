"""UN SDG Global Database: its CSV extract and its API JSON (``/v1/sdg/Series/Data``).

SDG CSV/JSON: ``GeoAreaCode`` is UN M49: economies map to ISO3 through pycountry's numeric codes, regions
and analytical groups (World = 1, LDCs = 199, ...) to ``M49_<code>`` groups. Dimension columns become the
canonical disaggregations (``BOTHSEX`` -> ``_T``, ``FEMALE`` -> ``F``, ``URBAN`` -> ``U`` ...); a
dimension this frame has no column for, when filled, is an error rather than silently merged rows.
``Nature`` E (estimated) and M (modelled) map to ``estimate``/``modelled``; ``UpperBound``/``LowerBound``
to ``ci_high``/``ci_low``; ``FootNote`` to ``note``; ``UnitMultiplier`` scales the value.
Censored values (``<5``, ``>95``) and ``NaN`` are excluded, each with its reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import polars as pl

from wsis.engine.readers import areas, common
from wsis.engine.readers.csvio import ROW, decode, header_line, read_text_table, require_columns
from wsis.engine.readers.observation import TOTAL, Exclusion, Problem, ReadError, ReadResult, conform

NAME_CSV = "sdg-database-csv"
NAME_JSON = "sdg-api-json"
COLUMNS = ("SeriesCode", "GeoAreaCode", "TimePeriod", "Value")

# SDG dimension column -> canonical disaggregation, with the code translations that differ.
DIMENSIONS: dict[str, tuple[str, dict[str, str]]] = {
    "Sex": ("sex", {"BOTHSEX": TOTAL, "MALE": "M", "FEMALE": "F"}),
    "Age": ("age", {"ALLAGE": TOTAL}),
    "Location": ("urbanisation", {"ALLAREA": TOTAL, "URBAN": "U", "RURAL": "R"}),
    "Quantile": ("income_quintile", {"_T": TOTAL, "ALL": TOTAL}),
    "Education level": ("education", {"ALLEDU": TOTAL}),
    "Disability status": ("disability", {"ALL": TOTAL, "PD": "PD", "PWD": "PWD"}),
    "Type of skill": ("skill_type", {}),
    "Type of mobile technology": ("technology", {}),
    "Type of speed": ("speed_tier", {"ANYS": TOTAL}),
}
# Columns that describe the record, not a dimension; any other non-empty column is a dimension we lack.
NON_DIMENSIONS = {
    *COLUMNS,
    "ID",
    "Goal",
    "Target",
    "Indicator",
    "ReleaseStatus",
    "ReleaseName",
    "SeriesID",
    "isDSDSeries",
    "SeriesDescription",
    "SeriesObservationCount",
    "GeoAreaName",
    "ValueType",
    "Time_Detail",
    "TimeCoverage",
    "UpperBound",
    "LowerBound",
    "BasePeriod",
    "Source",
    "GeoInfoUrl",
    "FootNote",
    "ObservationID",
    "Freq",
    "Nature",
    "UnitMultiplier",
    "Units",
    "Reporting Type",
    ROW,
}
NATURES = {
    "E": "estimate",
    "M": "modelled",
    "C": "reported",
    "CA": "reported",
    "G": "reported",
    "N": "reported",
}
UNITS = {"PERCENT": "percent", "NUMBER": "count", "PER_100_POP": "per_100", "USD": "usd", "INDEX": "score"}


def sniff_csv(path: Path) -> bool:
    header = header_line(path)
    return path.suffix.lower() == ".csv" and all(
        c in header for c in ("SeriesCode", "GeoAreaCode", "TimePeriod")
    )


def read_csv(path: Path) -> ReadResult:
    frame = read_text_table(path, decode(path))
    require_columns(path, frame, COLUMNS)
    return _finish(path, frame, NAME_CSV)


def _age(code: str) -> str:
    """SDG age labels to SDMX-style ranges: "15-24" -> Y15T24, "15+" -> Y_GE15, "ALLAGE" -> _T."""
    code = code.strip()
    if code in {"", "ALLAGE", "_T"}:
        return TOTAL
    if m := re.fullmatch(r"(\d+)\s*-\s*(\d+)", code):
        return f"Y{m[1]}T{m[2]}"
    if m := re.fullmatch(r"(\d+)\s*\+|(\d+)\s*<=|>=\s*(\d+)", code):
        return f"Y_GE{m[1] or m[2] or m[3]}"
    return code


def _finish(path: Path, frame: pl.DataFrame, reader: str) -> ReadResult:
    source_records = frame.height
    problems = common.required(path, frame, ("SeriesCode", "GeoAreaCode", "TimePeriod"))
    for column in frame.columns:
        if column in NON_DIMENSIONS or column in DIMENSIONS:
            continue
        filled = frame.filter(pl.col(column).is_not_null() & (pl.col(column).str.strip_chars() != ""))
        if filled.height:
            problems.append(
                Problem(
                    str(path),
                    filled.get_column(ROW)[0],
                    column,
                    "dimension not supported by the observation frame",
                )
            )

    value = pl.col("Value").str.strip_chars()
    censored = value.str.contains(r"^[<>]")
    missing = value.is_null() | value.is_in(["", "NaN", "N", ".."])
    exclusions = [
        Exclusion(str(path), r, f"censored value {v!r} is not a number")
        for r, v in frame.filter(censored).select(ROW, "Value").rows()
    ] + [
        Exclusion(str(path), r, "no value published") for r in frame.filter(missing).get_column(ROW).to_list()
    ]
    frame = frame.filter(~censored.fill_null(False) & ~missing)

    frame, found = common.numbers(path, frame, "Value")
    problems += found
    frame, found = common.year_period(path, frame, "TimePeriod")
    problems += found
    frame, found = _m49(path, frame)
    problems += found
    for bound, target in (("UpperBound", "ci_high"), ("LowerBound", "ci_low")):
        if bound in frame.columns:
            frame, found = common.numbers(path, frame, bound, target)
            problems += found

    columns: list[pl.Expr] = []
    for column, (name, codes) in DIMENSIONS.items():
        if column not in frame.columns:
            continue
        raw = pl.col(column).fill_null("").str.strip_chars()
        if name == "age":
            columns.append(raw.map_elements(_age, return_dtype=pl.String).alias(name))
        else:
            columns.append(pl.when(raw == "").then(pl.lit(TOTAL)).otherwise(raw.replace(codes)).alias(name))
    multiplier = (
        pl.col("UnitMultiplier").cast(pl.Int64, strict=False).fill_null(0)
        if "UnitMultiplier" in frame.columns
        else pl.lit(0)
    )
    units = pl.col("Units").fill_null("") if "Units" in frame.columns else pl.lit("")
    nature = pl.col("Nature").fill_null("") if "Nature" in frame.columns else pl.lit("")
    frame = frame.with_columns(
        *columns,
        pl.col("SeriesCode").str.strip_chars().alias("indicator"),
        (pl.col("value") * pl.lit(10.0).pow(multiplier)).alias("value"),
        units.replace_strict(UNITS, default=units.str.to_lowercase(), return_dtype=pl.String).alias("unit"),
        nature.replace_strict(NATURES, default="reported", return_dtype=pl.String).alias("nature"),
        _text(frame, "Source").alias("source"),
        _text(frame, "FootNote").alias("note"),
        pl.col(ROW).alias("source_row"),
    )
    return ReadResult(conform(frame), problems, exclusions, [], source_records, reader)


def _text(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column not in frame.columns:
        return pl.lit(None, pl.String)
    return pl.col(column).str.strip_chars().replace("", None)


def _m49(path: Path, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    codes = frame.get_column("GeoAreaCode").fill_null("").unique().to_list()
    area: dict[str, str | None] = {}
    kind: dict[str, str | None] = {}
    for code in codes:
        number = int(code) if code.strip().isdigit() else None
        group = areas.m49_group(number) if number is not None else None
        economy = None if group or number is None else areas.economy_from_m49(number)
        area[code], kind[code] = group or economy, ("group" if group else "economy" if economy else None)
    key = pl.col("GeoAreaCode").fill_null("")
    frame = frame.with_columns(
        key.replace_strict(area, default=None, return_dtype=pl.String).alias("area"),
        key.replace_strict(kind, default=None, return_dtype=pl.String).alias("area_kind"),
    )
    problems = common.problems_where(
        path, frame, pl.col("area").is_null(), "GeoAreaCode", pl.format("unknown M49 area code {}", key)
    )
    return frame, problems


# --- SDG API JSON ---------------------------------------------------------------------------------------


def sniff_json(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    with path.open("rb") as handle:
        head = handle.read(1 << 16).decode("utf-8", errors="replace")
    return '"geoAreaCode"' in head and '"timePeriodStart"' in head


def read_json(path: Path) -> ReadResult:
    try:
        payload = json.loads(decode(path))
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"invalid JSON ({exc.msg}; truncated file?)", row=exc.lineno) from None
    records = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(records, list):
        raise ReadError(path, "not an SDG API answer: no 'data' list")
    rows: list[dict[str, Any]] = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ReadError(path, "record is not an object", row=index)
        dims = record.get("dimensions") or {}
        attrs = record.get("attributes") or {}
        footnotes = [f for f in record.get("footnotes") or [] if f]
        period = record.get("timePeriodStart")
        row: dict[str, Any] = {
            ROW: index,
            "SeriesCode": _str(record.get("series")),
            "GeoAreaCode": _str(record.get("geoAreaCode")),
            "TimePeriod": _str(int(period) if isinstance(period, float) and period.is_integer() else period),
            "Value": _str(record.get("value")),
            "UpperBound": _str(record.get("upperBound")),
            "LowerBound": _str(record.get("lowerBound")),
            "Source": _str(record.get("source")),
            "FootNote": "; ".join(str(f) for f in footnotes) or None,
            "Nature": _str(attrs.get("Nature")),
            "Units": _str(attrs.get("Units")),
            "UnitMultiplier": _str(attrs.get("UnitMultiplier")),
        }
        for column in DIMENSIONS:
            row[column] = _str(dims.get(column))
        for column, value in dims.items():
            if column not in DIMENSIONS and column not in NON_DIMENSIONS:
                row[column] = _str(value)
        rows.append(row)
    columns = sorted({c for r in rows for c in r} | set(DIMENSIONS) | set(COLUMNS) | {ROW}, key=str)
    schema = {c: (pl.Int64 if c == ROW else pl.String) for c in columns}
    frame = pl.DataFrame([{c: r.get(c) for c in columns} for r in rows], schema=schema)
    return _finish(path, frame, NAME_JSON)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)
