"""SQL text for the one aggregation pass, shared by the DuckDB and Spark backends.

Only plain SQL is generated (CASE, SUM, COUNT, MIN, MAX, GROUP BY ordinals) so that the same text runs
on both engines; the dialect differs only in how identifiers are quoted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wsis.engine.survey.estimands import AtMost, Estimand, Mean, Proportion, Ratio, Total


@dataclass(frozen=True)
class Dialect:
    quote_char: str = '"'
    # Numbering rows in file order (error messages only): Spark needs an ordering for row_number().
    row_number: str = "row_number() OVER ()"
    # File column name -> engine column name, for names the engine cannot hold side by side (DuckDB
    # identifiers ignore case, so a CSV's `nh` and `Nh` cannot both keep their names inside DuckDB).
    renames: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def q(self, name: str) -> str:
        name = self.renames.get(name, name)
        return f"{self.quote_char}{name.replace(self.quote_char, self.quote_char * 2)}{self.quote_char}"


DUCKDB = Dialect('"')
SPARK = Dialect("`", "row_number() OVER (ORDER BY monotonically_increasing_id())")


def literal(value: Any, numeric: bool) -> str:
    """A SQL literal for a level: a number for numeric columns, otherwise a quoted string."""
    if numeric:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return "'" + str(value).replace("'", "''") + "'"
        return repr(number) if not number.is_integer() else str(int(number))
    return "'" + str(value).replace("'", "''") + "'"


@dataclass(frozen=True)
class AnalysisSql:
    """Per-row expressions: ``y`` and ``x`` of the ratio, whether the row counts, and the domain test."""

    y: str
    x: str | None  # None: x is 1 (means, proportions, totals)
    valid: str
    y_is_indicator: bool  # y is 0/1, so y*y == y and the second moment needs no extra sum


def analysis_sql(estimand: Estimand, dialect: Dialect, level_literal: str | None = None) -> AnalysisSql:
    q = dialect.q
    if isinstance(estimand, Mean | Total):
        col = q(estimand.variable)
        return AnalysisSql(f"CAST({col} AS DOUBLE)", None, f"{col} IS NOT NULL", False)
    if isinstance(estimand, AtMost):
        col = q(estimand.variable)
        pairs = estimand.by_condition or (("TRUE", estimand.threshold),)
        cases = " ".join(f"WHEN {cond} THEN ({col} <= {float(t)!r})" for cond, t in pairs)
        return AnalysisSql(
            f"CASE WHEN (CASE {cases} ELSE FALSE END) THEN 1.0 ELSE 0.0 END", None, f"{col} IS NOT NULL", True
        )
    if isinstance(estimand, Proportion):
        col = q(estimand.variable)
        assert level_literal is not None
        return AnalysisSql(
            f"CASE WHEN {col} = {level_literal} THEN 1.0 ELSE 0.0 END", None, f"{col} IS NOT NULL", True
        )
    if isinstance(estimand, Ratio):
        num, den = q(estimand.numerator), q(estimand.denominator)
        return AnalysisSql(
            f"CAST({num} AS DOUBLE)",
            f"CAST({den} AS DOUBLE)",
            f"{num} IS NOT NULL AND {den} IS NOT NULL",
            False,
        )
    raise TypeError(f"unknown estimand {estimand!r}")


def in_domain_sql(valid: str, by: list[str], where: str | None, dialect: Dialect) -> str:
    """Rows that belong to the estimate: the variable is present, the by-columns too, and ``where`` holds.

    Rows outside keep their place in the design (their PSU still counts), which is what makes a domain
    estimate differ from an estimate on a subset of the file.
    """
    parts = [f"({valid})"]
    parts += [f"{dialect.q(c)} IS NOT NULL" for c in by]
    if where:
        parts.append(f"COALESCE(({where}), FALSE)")
    return " AND ".join(parts)
