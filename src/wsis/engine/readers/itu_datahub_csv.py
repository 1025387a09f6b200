"""ITU DataHub CSV exports (seriesID, seriesCode, ..., entityIso, dataValue, dataYear, dataNote, dataSource).

Quirks handled:
- a UTF-8 byte-order mark before the header;
- line breaks inside quoted source texts ("ITU estimate.\\r\\n");
- rows whose source or note says "ITU estimate" are publisher imputations: ``nature = estimate``
  (spellings vary: "ITU Estimate.", "ITU estimate based on GSMA", even "IUT estimate.");
- non-ISO entity codes (KSO Kosovo, AAA Guernsey, GBJ Jersey) via :mod:`areas`;
- mislabelled ``seriesUnits``, fixed by the explicit rules in :data:`UNIT_RULES`, each logged as a
  :class:`Correction` with the number of rows it changed. A rule fires only on the wrong label, so a
  corrected export from ITU passes through untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from wsis.engine.readers import common
from wsis.engine.readers.csvio import ROW, decode, header_line, read_text_table, require_columns
from wsis.engine.readers.observation import Correction, Exclusion, ReadResult, conform

NAME = "itu-datahub-csv"
COLUMNS = ("seriesCode", "seriesUnits", "entityIso", "dataValue", "dataYear", "dataNote", "dataSource")

UNITS = {"%": "percent", "per 100 people": "per_100", "count": "count", "% gni per capita": "percent_gni_pc"}
ESTIMATE = r"(?i)\b(?:ITU|IUT)\s+estimat"


@dataclass(frozen=True)
class UnitRule:
    """Series whose code matches ``series`` and whose label is ``label`` are really in ``unit``."""

    rule: str
    series: str  # regular expression on seriesCode
    label: str
    unit: str
    why: str


UNIT_RULES: tuple[UnitRule, ...] = (
    UnitRule(
        "itu-i911mw-per100",
        r"^i911mw$",
        "count",
        "per_100",
        "i911mw is active mobile-broadband subscriptions per 100 inhabitants (values up to ~400)",
    ),
    UnitRule(
        "itu-i4213tfbb-count",
        r"^i4213tfbb$",
        "per 100 people",
        "count",
        "i4213tfbb is the number of fixed-broadband subscriptions (values in the hundreds of millions); "
        "its per-100 twin is i992b",
    ),
    UnitRule(
        "itu-price-usd",
        r"\$$",
        "% GNI per capita",
        "usd",
        "price series ending in $ are in US dollars, not % of GNI per capita",
    ),
    UnitRule(
        "itu-price-ppp",
        r"_PPP$",
        "% GNI per capita",
        "ppp_usd",
        "price series ending in _PPP are in PPP dollars, not % of GNI per capita",
    ),
)


def sniff(path: Path) -> bool:
    header = header_line(path)
    return path.suffix.lower() == ".csv" and all(c in header for c in ("seriesCode", "entityIso"))


def read(path: Path) -> ReadResult:
    frame = read_text_table(path, decode(path))
    require_columns(path, frame, COLUMNS)
    source_records = frame.height
    text = [pl.col(c).str.strip_chars().replace("", None) for c in ("dataNote", "dataSource")]
    frame = frame.with_columns(*text)

    problems = common.required(path, frame, ("seriesCode", "entityIso", "dataYear"))
    empty_value = pl.col("dataValue").is_null() | (pl.col("dataValue").str.strip_chars() == "")
    exclusions = [
        Exclusion(str(path), row, "no value published (empty dataValue)")
        for row in frame.filter(empty_value).get_column(ROW).to_list()
    ]
    frame = frame.filter(~empty_value)

    frame, found = common.numbers(path, frame, "dataValue")
    problems += found
    frame, found = common.year_period(path, frame, "dataYear")
    problems += found
    frame, found = common.resolve_codes(path, frame, "entityIso")
    problems += found
    frame, corrections = _units(path, frame)

    estimate = pl.col("dataSource").fill_null("").str.contains(ESTIMATE) | pl.col("dataNote").fill_null(
        ""
    ).str.contains(ESTIMATE)
    frame = frame.with_columns(
        pl.col("seriesCode").str.strip_chars().alias("indicator"),
        pl.when(estimate).then(pl.lit("estimate")).otherwise(pl.lit("reported")).alias("nature"),
        pl.col("dataSource").alias("source"),
        pl.col("dataNote").alias("note"),
        pl.col(ROW).alias("source_row"),
    )
    return ReadResult(conform(frame), problems, exclusions, corrections, source_records, NAME)


def _units(path: Path, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Correction]]:
    """Normalise seriesUnits, then apply :data:`UNIT_RULES`, logging each rule that changed rows."""
    label = pl.col("seriesUnits").fill_null("").str.strip_chars()
    unit = label.str.to_lowercase().replace_strict(UNITS, default=label, return_dtype=pl.String)
    frame = frame.with_columns(unit.alias("unit"))
    corrections: list[Correction] = []
    series = frame.get_column("seriesCode").fill_null("").unique().to_list()
    for rule in UNIT_RULES:
        matching = [s for s in series if re.search(rule.series, s)]
        if not matching:
            continue
        hit = pl.col("seriesCode").is_in(matching) & (label == rule.label)
        rows = frame.select(hit.sum()).item()
        if rows:
            frame = frame.with_columns(
                pl.when(hit).then(pl.lit(rule.unit)).otherwise(pl.col("unit")).alias("unit")
            )
            corrections.append(
                Correction(rule.rule, f"{rule.label!r} -> {rule.unit}: {rule.why}", str(path), rows)
            )
    return frame, corrections
