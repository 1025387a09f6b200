"""Helpers the publisher readers share: numbers from text, problems from masks, area resolution."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from wsis.engine.readers import areas
from wsis.engine.readers.csvio import ROW
from wsis.engine.readers.observation import Problem, Severity

MAX_PROBLEMS_PER_CHECK = 200  # beyond this one summary line: a wholly wrong file should not print 40 000
MISSING_MARKERS = ("", "..", "...", "-", "n.a.", "NA", "N/A")


def problems_where(
    path: Path,
    frame: pl.DataFrame,
    mask: pl.Expr,
    column: str | None,
    message: str | pl.Expr,
    severity: Severity = "error",
) -> list[Problem]:
    """One problem per row matching ``mask``; ``message`` may be an expression evaluated per row."""
    hits = frame.filter(mask)
    if hits.is_empty():
        return []
    text = message if isinstance(message, pl.Expr) else pl.lit(message)
    rows = hits.select(pl.col(ROW), text.alias("msg")).head(MAX_PROBLEMS_PER_CHECK).rows()
    out = [Problem(str(path), row, column, msg, severity) for row, msg in rows]
    if hits.height > MAX_PROBLEMS_PER_CHECK:
        out.append(
            Problem(
                str(path),
                None,
                column,
                f"... and {hits.height - MAX_PROBLEMS_PER_CHECK} more rows with the same problem",
                severity,
            )
        )
    return out


def numbers(
    path: Path, frame: pl.DataFrame, column: str, target: str = "value"
) -> tuple[pl.DataFrame, list[Problem]]:
    """Parse ``column`` into Float64 ``target``; text that is not a number is an error naming the row."""
    raw = pl.col(column).cast(pl.String).str.strip_chars()
    # No guessing at separators: "83,5" is 83.5 in half the world and 835 in the other half.
    parsed = raw.cast(pl.Float64, strict=False)
    frame = frame.with_columns(parsed.alias("__parsed"))
    bad = raw.is_not_null() & (raw != "") & pl.col("__parsed").is_null()
    problems = problems_where(path, frame, bad, column, pl.format("not a number: {}", raw.str.slice(0, 40)))
    non_finite = pl.col("__parsed").is_nan() | pl.col("__parsed").is_infinite()
    problems += problems_where(path, frame, non_finite, column, "not a finite number (NaN or infinity)")
    frame = frame.with_columns(pl.col("__parsed").alias(target)).drop("__parsed")
    return frame, problems


def resolve_codes(
    path: Path, frame: pl.DataFrame, code_column: str, *, groups: str | None = None
) -> tuple[pl.DataFrame, list[Problem]]:
    """Add ``area``/``area_kind`` from a code column: ISO3 economies, or publisher groups ("WB"...)."""
    codes = frame.get_column(code_column).fill_null("").unique().to_list()
    area: dict[str, str | None] = {}
    kind: dict[str, str | None] = {}
    for code in codes:
        group = areas.world_bank_group(code) if groups == "WB" else None
        economy = None if group else areas.economy_code(code)
        area[code] = group or economy
        kind[code] = "group" if group else ("economy" if economy else None)
    key = pl.col(code_column).fill_null("")
    frame = frame.with_columns(
        key.replace_strict(area, default=None, return_dtype=pl.String).alias("area"),
        key.replace_strict(kind, default=None, return_dtype=pl.String).alias("area_kind"),
    )
    problems = problems_where(
        path,
        frame,
        pl.col("area").is_null(),
        code_column,
        pl.format("unknown area code {}", pl.col(code_column).fill_null("(empty)")),
    )
    return frame, problems


def resolve_names(path: Path, frame: pl.DataFrame, name_column: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Add ``area``/``area_kind`` from economy names, through :func:`areas.economy_from_name`."""
    names = frame.get_column(name_column).fill_null("").unique().to_list()
    area = {name: areas.economy_from_name(name) for name in names}
    key = pl.col(name_column).fill_null("")
    frame = frame.with_columns(
        key.replace_strict(area, default=None, return_dtype=pl.String).alias("area"),
        pl.lit("economy").alias("area_kind"),
    )
    problems = problems_where(
        path,
        frame,
        pl.col("area").is_null(),
        name_column,
        pl.format("unknown economy name {}", pl.col(name_column).fill_null("(empty)")),
    )
    return frame, problems


def required(path: Path, frame: pl.DataFrame, columns: tuple[str, ...]) -> list[Problem]:
    """An error per row where one of ``columns`` is empty."""
    out: list[Problem] = []
    for column in columns:
        empty = pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")
        out += problems_where(path, frame, empty, column, "required value is empty")
    return out


def year_period(path: Path, frame: pl.DataFrame, column: str) -> tuple[pl.DataFrame, list[Problem]]:
    """``period`` from a year column ("2019", "2019.0"); anything else is an error naming the row."""
    raw = pl.col(column).str.strip_chars()
    year = raw.str.extract(r"^(\d{4})(?:\.0+)?$", 1)
    frame = frame.with_columns(year.alias("period"))
    bad = raw.is_not_null() & (raw != "") & pl.col("period").is_null()
    problems = problems_where(path, frame, bad, column, pl.format("not a year: {}", raw.str.slice(0, 30)))
    return frame, problems
