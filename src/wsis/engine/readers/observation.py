"""The canonical observation frame that every reader returns, and the problems a read can report.

An observation is keyed like SDMX: indicator x reference area x period x disaggregations. Every reader,
whatever the publisher's layout, returns a polars DataFrame with exactly these columns, in this order:

==================  =========  ====================================================================
column              dtype      meaning
==================  =========  ====================================================================
indicator           String     the publisher's series code (ITU ``i99H``, WDI ``IT.NET.USER.ZS``,
                               SDG ``IT_MOB_OWN``); never null
area                String     ISO 3166-1 alpha-3 for an economy (plus ``XKX`` Kosovo, ``CHI``
                               Channel Islands, ``ASC`` Ascension, withdrawn ``ANT``); for a group,
                               the publisher's code prefixed with the publisher, ``WB_WLD``,
                               ``ITU_ARB``, ``M49_001``: publishers reuse codes (World Bank ``ARB``
                               is the Arab World, ITU ``ARB`` the Arab States), so a bare code would
                               merge different groups
area_kind           String     ``economy`` or ``group``
period              String     ``YYYY`` (annual), ``YYYY-Qn`` or ``YYYY-MM``
sex                 String     ``_T`` total, ``F``, ``M``                     (SDMX SEX codes)
age                 String     ``_T`` or ``Y15T24``-style ranges, ``Y_GE15`` open ranges
urbanisation        String     ``_T``, ``U`` urban, ``R`` rural
income_quintile     String     ``_T``, ``Q1`` .. ``Q5``
education           String     ``_T`` or the publisher's level code
disability          String     ``_T``, ``PD`` with disability, ``PWD`` without
skill_type          String     ``_T`` or the SDG skill code (``COPA``, ``EMAIL``, ...)
technology          String     ``_T`` or ``2G``/``3G``/``4G``/``5G``
speed_tier          String     ``_T`` or the publisher's speed band
value               Float64    the number as published, after explicit, logged unit corrections
unit                String     normalised unit: ``percent``, ``per_100``, ``count``, ``usd``,
                               ``ppp_usd``, ``percent_gni_pc``, ``usd_per_capita``, ``score``, or
                               the publisher's own label when none of these fits
source              String     the publisher's source text (nullable)
note                String     footnotes and data notes (nullable)
nature              String     ``reported``, ``estimate`` (a publisher estimate, e.g. "ITU
                               estimate."), ``modelled`` or ``survey``
se                  Float64    standard error (survey estimates; nullable)
ci_low, ci_high     Float64    confidence interval bounds (nullable)
source_row          Int64      where the observation sits in its file: for CSV the record number
                               counting the header as 1 (equal to the line number unless an earlier
                               field holds a line break), for spreadsheets the 1-based sheet row,
                               for JSON the 1-based index of the record, for SDMX the 1-based
                               observation index
==================  =========  ====================================================================

The key (:data:`KEY`) is ``indicator, area, period`` plus the nine disaggregation columns; ``_T`` (the
SDMX total code) means "not disaggregated by this dimension", never null.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

TOTAL = "_T"
DISAGGREGATIONS: tuple[str, ...] = (
    "sex",
    "age",
    "urbanisation",
    "income_quintile",
    "education",
    "disability",
    "skill_type",
    "technology",
    "speed_tier",
)
KEY: tuple[str, ...] = ("indicator", "area", "period", *DISAGGREGATIONS)
AREA_KINDS = ("economy", "group")
NATURES = ("reported", "estimate", "modelled", "survey")

SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "area": pl.String(),
    "area_kind": pl.String(),
    "period": pl.String(),
    **{name: pl.String() for name in DISAGGREGATIONS},
    "value": pl.Float64(),
    "unit": pl.String(),
    "source": pl.String(),
    "note": pl.String(),
    "nature": pl.String(),
    "se": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "source_row": pl.Int64(),
}
COLUMNS: tuple[str, ...] = tuple(SCHEMA)

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (error) or suspicious (warning) in an input file, located as precisely as known."""

    file: str
    row: int | None
    column: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{self.severity}: {where}: {self.message}"


@dataclass(frozen=True)
class Exclusion:
    """A source row deliberately not turned into an observation, with the documented reason."""

    file: str
    row: int
    reason: str


@dataclass(frozen=True)
class Correction:
    """An explicit rule that changed published data (a mislabelled unit, say), logged with its reach."""

    rule: str
    description: str
    file: str
    rows: int


@dataclass
class ReadResult:
    """What a reader returns: the observations, what went wrong, and what was left out on purpose.

    ``source_records`` counts the data records the file holds (rows for long layouts, non-empty value
    cells for wide ones), so ``len(frame) == source_records - len(exclusions)`` when nothing failed.
    """

    frame: pl.DataFrame
    problems: list[Problem] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    source_records: int = 0
    reader: str = ""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> list[str]:
        """Lines for an import summary: counts, exclusions grouped by reason, corrections, problems."""
        lines = [
            f"{self.reader}: {self.frame.height} observations from {self.source_records} source records, "
            f"{len(self.exclusions)} excluded, {len(self.errors)} errors, {len(self.warnings)} warnings"
        ]
        reasons: dict[str, int] = {}
        for exclusion in self.exclusions:
            reason = exclusion.reason.split(" in column ")[0]
            reasons[reason] = reasons.get(reason, 0) + 1
        lines += [f"  excluded {n} x {reason}" for reason, n in sorted(reasons.items())]
        lines += [f"  corrected {c.rows} rows by rule {c.rule}: {c.description}" for c in self.corrections]
        return lines


class ReadError(ValueError):
    """A file that cannot be read at all (unknown format, not what it claims, unsafe)."""

    def __init__(self, file: str | Path, message: str, row: int | None = None, column: str | None = None):
        self.problem = Problem(str(file), row, column, message)
        super().__init__(str(self.problem))


def empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Give a reader's frame the canonical schema: add missing columns (totals, nulls), cast, order."""
    missing: list[pl.Expr] = []
    for name, dtype in SCHEMA.items():
        if name in frame.columns:
            continue
        default = TOTAL if name in DISAGGREGATIONS else None
        missing.append(pl.lit(default, dtype=dtype).alias(name))
    if missing:
        frame = frame.with_columns(missing)
    # A null disaggregation means "not broken down": the SDMX total code, so keys never hold nulls.
    return frame.select(
        [
            pl.col(name).cast(dtype).fill_null(TOTAL) if name in DISAGGREGATIONS else pl.col(name).cast(dtype)
            for name, dtype in SCHEMA.items()
        ]
    )


def concat(frames: Iterable[pl.DataFrame]) -> pl.DataFrame:
    parts = [conform(f) for f in frames]
    return pl.concat(parts, how="vertical") if parts else empty_frame()
