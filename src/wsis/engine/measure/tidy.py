"""The one input shape of the measurement engine, and its checks.

A *tidy* frame has one row per observation: ``economy`` (ISO 3166 alpha-3), ``indicator`` (a code of the
catalogue, ITU codes for ITU series), ``period`` (an integer year) and ``value`` (a float), optionally
``nature`` (reported / estimate / imputed / modelled: who produced the figure). Bad input is refused with
the source, the row and the field named, because a silently dropped row changes an aggregate.

These checks stay in polars while the maths runs on a SQL backend (:mod:`.backend`): they run before
any engine is chosen, on the frame the caller holds, and name the caller's own row numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

TIDY_COLUMNS: tuple[str, ...] = ("economy", "indicator", "period", "value")
ISO3 = re.compile(r"^[A-Z]{3}$")

#: Natures that mean "somebody estimated this figure": they count as imputed in coverage statistics.
IMPUTED_NATURES: frozenset[str] = frozenset({"estimate", "imputed", "modelled", "itu estimate"})


class MeasureInputError(ValueError):
    """Input data the engine cannot use; the message names the source, the row and the field."""


def check_tidy(frame: pl.DataFrame, source: str = "input", require_iso3: bool = True) -> pl.DataFrame:
    """Validate and normalise a tidy frame: types, no nulls, no duplicate keys.

    Returns the frame with canonical dtypes (``period`` Int64, ``value`` Float64, ``nature`` Utf8 if present).
    """
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns]
    if missing:
        raise MeasureInputError(f"{source}: missing column(s) {', '.join(missing)}; have {frame.columns}")
    cols = [*TIDY_COLUMNS] + (["nature"] if "nature" in frame.columns else [])
    out = frame.select(cols).with_row_index("_row", offset=1)
    for field in ("economy", "indicator", "period", "value"):
        nulls = out.filter(pl.col(field).is_null())
        if nulls.height:
            raise MeasureInputError(f"{source}: row {nulls['_row'][0]}, field '{field}': empty value")
    out = out.with_columns(
        pl.col("economy").cast(pl.Utf8).str.strip_chars(), pl.col("indicator").cast(pl.Utf8)
    )
    for field, dtype in (("period", pl.Int64), ("value", pl.Float64)):
        cast = out[field].cast(dtype, strict=False)
        bad = out.filter(cast.is_null())
        if bad.height:
            raise MeasureInputError(
                f"{source}: row {bad['_row'][0]}, field '{field}': {bad[field][0]!r} is not a number"
            )
        out = out.with_columns(cast.alias(field))
    if require_iso3:
        bad = out.filter(~pl.col("economy").str.contains(ISO3.pattern))
        if bad.height:
            raise MeasureInputError(
                f"{source}: row {bad['_row'][0]}, field 'economy': {bad['economy'][0]!r} is not an ISO3 code"
            )
    dup = out.filter(~pl.struct("economy", "indicator", "period").is_first_distinct())
    if dup.height:
        r = dup.row(0, named=True)
        raise MeasureInputError(
            f"{source}: row {r['_row']}: duplicate observation for economy {r['economy']}, "
            f"indicator {r['indicator']}, period {r['period']}"
        )
    if "nature" in out.columns:
        out = out.with_columns(pl.col("nature").cast(pl.Utf8))
    return out.drop("_row")


def read_table(path: str | Path) -> pl.DataFrame:
    """Read a CSV or Parquet file given on the command line (chosen by the file's extension)."""
    path = Path(path)
    if not path.is_file():
        raise MeasureInputError(f"{path}: file not found")
    if path.suffix.lower() in {".parquet", ".pq"}:
        return pl.read_parquet(path)
    try:
        return pl.read_csv(path, infer_schema_length=0)
    except pl.exceptions.ComputeError as exc:
        raise MeasureInputError(f"{path}: not a readable CSV file: {exc}") from exc


def read_tidy(path: str | Path) -> pl.DataFrame:
    """Read and check a tidy file (CSV or Parquet)."""
    return check_tidy(read_table(path), source=str(path))


def is_imputed_nature(nature: pl.Expr) -> pl.Expr:
    """True where a ``nature`` value says the figure was estimated rather than reported."""
    return nature.str.to_lowercase().str.strip_chars(" .").is_in(list(IMPUTED_NATURES)).fill_null(False)
