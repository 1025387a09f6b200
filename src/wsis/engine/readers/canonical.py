"""The platform's own tidy layout: files whose columns are the observation frame's (see :mod:`observation`).

This is what :mod:`writers` produces as CSV, JSON and Parquet, and what tidy spreadsheets and mapped
generic CSVs turn into. Required: ``indicator, area, period, value, unit``; missing disaggregation
columns mean totals (``_T``); a missing ``area_kind`` is inferred (a known economy code, else a
``PREFIX_code`` group); a missing ``nature`` means ``reported``. Text cells that an export neutralised
against spreadsheet formula injection (a leading ``'`` before ``= + - @``) get their text back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from wsis.engine.readers import areas, common
from wsis.engine.readers.csvio import ROW, decode, header_line, read_text_table
from wsis.engine.readers.observation import (
    AREA_KINDS,
    DISAGGREGATIONS,
    NATURES,
    TOTAL,
    Problem,
    ReadError,
    ReadResult,
    conform,
)

NAME_CSV = "canonical-csv"
NAME_JSON = "canonical-json"
NAME_PARQUET = "canonical-parquet"
REQUIRED = ("indicator", "area", "period", "value", "unit")
TEXT = ("indicator", "area", "area_kind", "period", *DISAGGREGATIONS, "unit", "source", "note", "nature")
NUMERIC = ("value", "se", "ci_low", "ci_high")
NEUTRALISED = r"^'([=+\-@\t\r].*)$"
GROUP_CODE = re.compile(r"^[A-Z][A-Z0-9]*_[A-Za-z0-9_.\-]+$")
PERIOD = r"^\d{4}(-(Q[1-4]|0[1-9]|1[0-2]|S[12]))?$"


def sniff_csv(path: Path) -> bool:
    header = {c.strip().strip('"') for c in header_line(path).split(",")}
    return path.suffix.lower() == ".csv" and set(REQUIRED) <= header


def sniff_json(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace")
    return '"wsis-observations"' in head


def sniff_parquet(path: Path) -> bool:
    return path.suffix.lower() == ".parquet"


def read_csv(path: Path) -> ReadResult:
    result = read_frame(path, read_text_table(path, decode(path)))
    result.reader = NAME_CSV
    return result


def read_json(path: Path) -> ReadResult:
    try:
        payload = json.loads(decode(path))
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"invalid JSON ({exc.msg}; truncated file?)", row=exc.lineno) from None
    if not isinstance(payload, dict) or payload.get("format") != "wsis-observations":
        raise ReadError(path, "not a wsis-observations JSON document")
    records = payload.get("observations")
    if not isinstance(records, list):
        raise ReadError(path, "'observations' is not a list")
    rows = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ReadError(path, "observation is not an object", row=index)
        rows.append({ROW: index, **{k: (None if v is None else str(v)) for k, v in record.items()}})
    columns = sorted({k for r in rows for k in r if k != ROW})
    frame = pl.DataFrame(
        [{ROW: r[ROW], **{c: r.get(c) for c in columns}} for r in rows],
        schema={ROW: pl.Int64, **{c: pl.String for c in columns}},
    )
    result = read_frame(path, frame)
    result.reader = NAME_JSON
    return result


def read_parquet(path: Path) -> ReadResult:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # pyarrow/polars raise several types for damaged files
        raise ReadError(path, f"unreadable Parquet file: {type(exc).__name__}: {str(exc)[:200]}") from None
    frame = frame.drop([c for c in (ROW, "source_row") if c in frame.columns])
    frame = frame.with_columns(pl.all().cast(pl.String)).with_row_index(ROW, offset=1)
    frame = frame.with_columns(pl.col(ROW).cast(pl.Int64))
    result = read_frame(path, frame)
    result.reader = NAME_PARQUET
    return result


def read_frame(path: Path, frame: pl.DataFrame) -> ReadResult:
    """Validate and type an all-text frame with canonical column names and a ``__row`` column."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ReadError(path, f"missing column(s) {', '.join(missing)}", row=1)
    source_records = frame.height
    frame = frame.with_columns(
        [
            pl.col(c).cast(pl.String).str.strip_chars().str.replace(NEUTRALISED, "$1").replace("", None)
            for c in TEXT
            if c in frame.columns
        ]
    )
    problems = common.required(path, frame, ("indicator", "area", "period", "value", "unit"))
    for column in NUMERIC:
        if column in frame.columns:
            frame, found = common.numbers(path, frame, column, column)
            problems += found
    for column in DISAGGREGATIONS:
        if column in frame.columns:
            frame = frame.with_columns(pl.col(column).fill_null(TOTAL))
    if "area_kind" not in frame.columns:
        frame = frame.with_columns(_infer_kind(frame).alias("area_kind"))
    if "nature" not in frame.columns:
        frame = frame.with_columns(pl.lit("reported").alias("nature"))
    frame = frame.with_columns(pl.col("nature").fill_null("reported"))
    problems += common.problems_where(
        path,
        frame,
        ~pl.col("area_kind").is_in(AREA_KINDS),
        "area_kind",
        pl.format("area_kind must be economy or group, not {}", pl.col("area_kind").fill_null("(empty)")),
    )
    problems += common.problems_where(
        path,
        frame,
        ~pl.col("nature").is_in(NATURES),
        "nature",
        pl.format("nature must be one of {}, not {}", pl.lit("|".join(NATURES)), pl.col("nature")),
    )
    problems += _check_areas(path, frame)
    problems += common.problems_where(
        path,
        frame,
        pl.col("period").is_not_null() & ~pl.col("period").str.contains(PERIOD),
        "period",
        pl.format("period must be YYYY, YYYY-Qn or YYYY-MM, not {}", pl.col("period")),
    )
    frame = frame.with_columns(pl.col(ROW).alias("source_row"))
    return ReadResult(conform(frame), problems, [], [], source_records, NAME_CSV)


def _infer_kind(frame: pl.DataFrame) -> pl.Expr:
    codes = frame.get_column("area").drop_nulls().unique().to_list()
    economies = [c for c in codes if areas.economy_code(c) == c]
    return pl.when(pl.col("area").is_in(economies)).then(pl.lit("economy")).otherwise(pl.lit("group"))


def _check_areas(path: Path, frame: pl.DataFrame) -> list[Problem]:
    pairs = frame.select("area", "area_kind").drop_nulls().unique().rows()
    bad = [
        a
        for a, k in pairs
        if (k == "economy" and areas.economy_code(a) != a) or (k == "group" and not GROUP_CODE.match(a))
    ]
    if not bad:
        return []
    return common.problems_where(
        path,
        frame,
        pl.col("area").is_in(bad),
        "area",
        pl.format(
            "unknown {} code {} (economies: ISO3; groups: PUBLISHER_code)",
            pl.col("area_kind"),
            pl.col("area"),
        ),
    )
