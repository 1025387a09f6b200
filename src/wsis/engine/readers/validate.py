"""Validations that need no database: run on every frame a reader returns.

Errors (the file must not be imported as is):
- schema: the canonical columns and types, no empty key fields, known ``area_kind`` and ``nature``;
- ranges by unit: ``percent`` within 0-100; ``per_100`` may exceed 100 but not :data:`MAX_PER_100`;
  counts, money and prices never negative; counts below :data:`MAX_COUNT`;
- plausible periods: years from :data:`FIRST_YEAR` to next year;
- duplicate keys within a file (each duplicate names the row of the first occurrence).

Quality warnings (flagged, never fixed):
- year-on-year jumps beyond a per-indicator threshold (:data:`JUMP_THRESHOLDS`, else by unit);
- a total outside the range of its exhaustive breakdown (male/female, urban/rural): both parts below
  or both above the total cannot average to it;
- urban below rural by more than :data:`URBAN_RURAL_TOLERANCE` points for access indicators, where an
  urban advantage is the rule (the ITU WTI table's Brazil 2018 row: urban 70.3 %, rural 71.6 %);
- components exceeding their total: nested coverage (5G <= 4G <= 3G <= 2G) and counts broken down by a
  partition summing above the total;
- survey intervals that do not contain the estimate.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from wsis.engine.readers.observation import (
    AREA_KINDS,
    DISAGGREGATIONS,
    KEY,
    NATURES,
    SCHEMA,
    TOTAL,
    Problem,
    ReadResult,
)

FIRST_YEAR = 1950
MAX_PER_100 = 1000.0
MAX_COUNT = 1e11  # ten times the world population: no ICT count comes near it
NON_NEGATIVE = {"per_100", "per_1000", "count", "usd", "ppp_usd", "percent_gni_pc", "usd_constant"}
# Year-on-year change that deserves a second look, in the unit's own terms (points for percentages).
JUMP_THRESHOLDS: dict[str, float] = {
    "i99H": 25.0,
    "xHH6_IDI": 30.0,
    "xHH18_IDI": 30.0,
    "IT.NET.USER.ZS": 25.0,
}
UNIT_JUMP_POINTS = {"percent": 40.0, "per_100": 60.0}
RELATIVE_JUMP = 10.0  # for counts and money: a tenfold change between consecutive years
URBAN_RURAL_TOLERANCE = 1.0
TOTAL_TOLERANCE = 0.05  # published figures are rounded to one decimal
ACCESS_INDICATORS = {"i99H", "xHH6_IDI", "xHH18_IDI", "IT_USE_ii99", "IT_MOB_OWN", "IT.NET.USER.ZS"}
NESTED: tuple[tuple[str, str], ...] = (("i271G5_pop", "i271GA"), ("i271GA", "i271G"), ("i271G", "i271pop"))
PARTITIONS = {"sex": ("F", "M"), "urbanisation": ("U", "R")}


def validate(result: ReadResult, file: str | Path) -> ReadResult:
    """Append every validation problem of ``result.frame`` to ``result.problems`` and return it."""
    result.problems.extend(check(result.frame, str(file)))
    return result


def check(frame: pl.DataFrame, file: str) -> list[Problem]:
    problems = schema(frame, file)
    if any(p.row is None for p in problems):
        return problems  # columns missing or mistyped: nothing further can be checked
    if problems:
        # Rows with empty or invalid fields are reported; the other rows are still checked, so a file's
        # author sees every problem in one pass rather than one kind per attempt.
        bad_rows = {p.row for p in problems}
        frame = frame.filter(~pl.col("source_row").is_in(list(bad_rows)))
    return (
        problems + ranges(frame, file) + periods(frame, file) + duplicates(frame, file) + quality(frame, file)
    )


def _rows(
    frame: pl.DataFrame, mask: pl.Expr, file: str, column: str, message: pl.Expr, severity: str = "error"
) -> list[Problem]:
    hits = frame.filter(mask).select(pl.col("source_row"), message.alias("m")).head(200).rows()
    return [Problem(file, row, column, msg, severity) for row, msg in hits]  # type: ignore[arg-type]


def schema(frame: pl.DataFrame, file: str) -> list[Problem]:
    problems = [
        Problem(file, None, name, f"column missing or of type {frame.schema.get(name)}, expected {dtype}")
        for name, dtype in SCHEMA.items()
        if frame.schema.get(name) != dtype
    ]
    if problems:
        return problems
    for name in (*KEY, "area_kind", "value", "unit", "nature"):
        problems += _rows(frame, pl.col(name).is_null(), file, name, pl.lit("empty"))
    problems += _rows(
        frame,
        ~pl.col("area_kind").is_in(AREA_KINDS),
        file,
        "area_kind",
        pl.format("invalid {}", pl.col("area_kind")),
    )
    problems += _rows(
        frame, ~pl.col("nature").is_in(NATURES), file, "nature", pl.format("invalid {}", pl.col("nature"))
    )
    return problems


def ranges(frame: pl.DataFrame, file: str) -> list[Problem]:
    v, unit = pl.col("value"), pl.col("unit")
    out = _rows(
        frame,
        (unit == "percent") & ((v < 0) | (v > 100)),
        file,
        "value",
        pl.format("percentage {} outside 0-100", v),
    )
    out += _rows(
        frame, unit.is_in(NON_NEGATIVE) & (v < 0), file, "value", pl.format("negative {} value {}", unit, v)
    )
    out += _rows(
        frame,
        (unit == "per_100") & (v > MAX_PER_100),
        file,
        "value",
        pl.format("{} per 100 inhabitants is implausible (limit {})", v, pl.lit(MAX_PER_100)),
    )
    out += _rows(
        frame, (unit == "count") & (v > MAX_COUNT), file, "value", pl.format("count {} is implausible", v)
    )
    out += _rows(frame, pl.col("se") < 0, file, "se", pl.format("negative standard error {}", pl.col("se")))
    out += _rows(
        frame,
        pl.col("ci_low") > pl.col("ci_high"),
        file,
        "ci_low",
        pl.lit("confidence interval bounds reversed"),
    )
    outside = (pl.col("ci_low") > v) | (pl.col("ci_high") < v)
    out += _rows(frame, outside, file, "value", pl.lit("estimate outside its confidence interval"), "warning")
    return out


def periods(frame: pl.DataFrame, file: str) -> list[Problem]:
    year = pl.col("period").str.slice(0, 4).cast(pl.Int32, strict=False)
    last = dt.date.today().year + 1
    bad = year.is_null() | (year < FIRST_YEAR) | (year > last)
    return _rows(
        frame,
        bad,
        file,
        "period",
        pl.format(
            "implausible period {} (expected {}-{})", pl.col("period"), pl.lit(FIRST_YEAR), pl.lit(last)
        ),
    )


def duplicates(frame: pl.DataFrame, file: str) -> list[Problem]:
    key = list(KEY)
    dup = frame.with_columns(
        pl.col("source_row").min().over(key).alias("first"), pl.len().over(key).alias("n")
    )
    hits = dup.filter((pl.col("n") > 1) & (pl.col("source_row") != pl.col("first")))
    return [
        Problem(file, row, "key", f"duplicate observation {ind}/{area}/{period}: same key as row {first}")
        for row, first, ind, area, period in hits.select("source_row", "first", "indicator", "area", "period")
        .head(200)
        .rows()
    ]


def quality(frame: pl.DataFrame, file: str) -> list[Problem]:
    return jumps(frame, file) + totals(frame, file) + urban_rural(frame, file) + components(frame, file)


def jumps(frame: pl.DataFrame, file: str) -> list[Problem]:
    annual = frame.filter(pl.col("period").str.contains(r"^\d{4}$")).with_columns(
        pl.col("period").cast(pl.Int32).alias("year")
    )
    series = ["indicator", "area", *DISAGGREGATIONS]
    annual = (
        annual.sort([*series, "year"])
        .with_columns(
            pl.col("value").shift(1).over(series).alias("previous"),
            pl.col("year").shift(1).over(series).alias("previous_year"),
        )
        .filter(pl.col("previous_year") == pl.col("year") - 1)
    )
    points = pl.col("indicator").replace_strict(
        JUMP_THRESHOLDS,
        default=pl.col("unit").replace_strict(UNIT_JUMP_POINTS, default=None, return_dtype=pl.Float64),
        return_dtype=pl.Float64,
    )
    change = (pl.col("value") - pl.col("previous")).abs()
    by_points = points.is_not_null() & (change > points)
    relative = (
        points.is_null()
        & (pl.min_horizontal("value", "previous") > 0)
        & (pl.max_horizontal("value", "previous") / pl.min_horizontal("value", "previous") > RELATIVE_JUMP)
    )
    message = pl.format(
        "year-on-year jump in {} for {}: {} in {} -> {} in {}",
        pl.col("indicator"),
        pl.col("area"),
        pl.col("previous"),
        pl.col("previous_year"),
        pl.col("value"),
        pl.col("year"),
    )
    return _rows(annual, by_points | relative, file, "value", message, "warning")


def _breakdown(frame: pl.DataFrame, dimension: str, parts: tuple[str, ...]) -> pl.DataFrame:
    """One row per observation whose ``dimension`` is total, with its parts' values as columns."""
    others = ["indicator", "area", "period", *[d for d in DISAGGREGATIONS if d != dimension]]
    total = frame.filter(pl.col(dimension) == TOTAL).select(*others, "value", "unit", "source_row")
    for part in parts:
        piece = frame.filter(pl.col(dimension) == part).select(*others, pl.col("value").alias(part))
        total = total.join(piece, on=others, how="inner")
    return total


def totals(frame: pl.DataFrame, file: str) -> list[Problem]:
    out: list[Problem] = []
    for dimension, parts in PARTITIONS.items():
        table = _breakdown(
            frame.filter(pl.col("unit").is_in(["percent", "per_100", "percent_gni_pc"])), dimension, parts
        )
        low, high = pl.min_horizontal(*parts), pl.max_horizontal(*parts)
        outside = (pl.col("value") < low - TOTAL_TOLERANCE) | (pl.col("value") > high + TOTAL_TOLERANCE)
        message = pl.format(
            "{} total {} for {} {} lies outside its {} breakdown {} / {}",
            pl.col("indicator"),
            pl.col("value"),
            pl.col("area"),
            pl.col("period"),
            pl.lit(dimension),
            pl.col(parts[0]),
            pl.col(parts[1]),
        )
        out += _rows(table, outside, file, dimension, message, "warning")
    return out


def urban_rural(frame: pl.DataFrame, file: str) -> list[Problem]:
    table = _breakdown(frame.filter(pl.col("indicator").is_in(ACCESS_INDICATORS)), "urbanisation", ("U", "R"))
    message = pl.format(
        "{} for {} {} (sex {}): urban {} below rural {} (an urban advantage is the rule)",
        pl.col("indicator"),
        pl.col("area"),
        pl.col("period"),
        pl.col("sex"),
        pl.col("U"),
        pl.col("R"),
    )
    return _rows(
        table, pl.col("R") - pl.col("U") > URBAN_RURAL_TOLERANCE, file, "urbanisation", message, "warning"
    )


def components(frame: pl.DataFrame, file: str) -> list[Problem]:
    out: list[Problem] = []
    key = ["area", "period", *DISAGGREGATIONS]
    for part, whole in NESTED:
        a = frame.filter(pl.col("indicator") == part).select(*key, "value", "source_row")
        b = frame.filter(pl.col("indicator") == whole).select(*key, pl.col("value").alias("whole"))
        joined = a.join(b, on=key, how="inner")
        message = pl.format(
            "{} {} exceeds {} {} for {} {}",
            pl.lit(part),
            pl.col("value"),
            pl.lit(whole),
            pl.col("whole"),
            pl.col("area"),
            pl.col("period"),
        )
        out += _rows(
            joined, pl.col("value") > pl.col("whole") + TOTAL_TOLERANCE, file, "value", message, "warning"
        )
    for dimension, parts in PARTITIONS.items():
        table = _breakdown(frame.filter(pl.col("unit") == "count"), dimension, parts)
        message = pl.format(
            "{} parts of {} {} {} sum above the total {}",
            pl.lit(dimension),
            pl.col("indicator"),
            pl.col("area"),
            pl.col("period"),
            pl.col("value"),
        )
        out += _rows(
            table, pl.sum_horizontal(*parts) > pl.col("value") * 1.001, file, dimension, message, "warning"
        )
    return out
