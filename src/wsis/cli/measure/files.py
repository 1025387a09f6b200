"""Reading the measurement commands' input files: tidy values, weights, progress specs, imputation chains."""

from __future__ import annotations

from typing import Any

import click
import polars as pl

from wsis.engine.measure.imputation import GroupFallback, Method, NearestYear, Trend
from wsis.engine.measure.progress import ProgressSpec
from wsis.engine.measure.tidy import MeasureInputError, check_tidy, read_table


def read_values(path: str, default_period: int | None = None) -> pl.DataFrame:
    """A tidy file; a what-if file (``economy,indicator,value``, no period) gets ``default_period``."""
    frame = read_table(path)
    if "period" not in frame.columns:
        if default_period is None:
            raise MeasureInputError(f"{path}: no 'period' column")
        frame = frame.with_columns(pl.lit(default_period).alias("period"))
    return check_tidy(frame, source=path)


def read_weights(path: str) -> pl.DataFrame:
    frame = read_table(path)
    missing = [c for c in ("economy", "period", "value") if c not in frame.columns]
    if missing:
        raise MeasureInputError(
            f"{path}: missing column(s) {', '.join(missing)} (need economy, period, value)"
        )
    return frame.select(
        pl.col("economy").cast(pl.Utf8),
        pl.col("period").cast(pl.Int64, strict=False),
        pl.col("value").cast(pl.Float64, strict=False),
    ).drop_nulls()


def parse_imputation(
    spec: str, fallback_groups: pl.DataFrame | None, bounds: tuple[float, float] | None = (0.0, 100.0)
) -> list[Method]:
    """``nearest:3,trend:5,group`` -> the imputation chain, in that order; ``none`` for no imputation.

    ``bounds`` keeps trend extrapolation inside the range of the values: 0-100 for rates and scores,
    none for counts (a count has no upper limit to clip at).
    """
    methods: list[Method] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, arg = part.partition(":")
        if name == "none":
            continue
        if name == "nearest":
            methods.append(NearestYear(within=int(arg or 3)))
        elif name == "trend":
            methods.append(Trend(within=int(arg or 5), bounds=bounds))
        elif name == "group":
            methods.append(GroupFallback(groups=fallback_groups))
        else:
            raise click.BadParameter(f"unknown imputation method {name!r} (nearest:N, trend:N, group, none)")
    return methods


def read_specs(path: str) -> list[ProgressSpec]:
    frame = read_table(path)
    specs = []
    for i, row in enumerate(frame.iter_rows(named=True), start=2):  # line 1 is the header
        for col in ("code", "indicator", "economy", "direction"):
            if not row.get(col):
                raise MeasureInputError(f"{path}: line {i}, field '{col}': empty")
        if row["direction"] not in ("increase", "decrease", "parity"):
            raise MeasureInputError(
                f"{path}: line {i}, field 'direction': {row['direction']!r} (increase/decrease/parity)"
            )

        def num(
            col: str, default: float | None = None, line: int = i, row: dict[str, Any] = row
        ) -> float | None:
            raw = row.get(col)
            if raw in (None, ""):
                return default
            try:
                return float(raw)
            except ValueError:
                raise MeasureInputError(
                    f"{path}: line {line}, field '{col}': {raw!r} is not a number"
                ) from None

        specs.append(
            ProgressSpec(
                code=row["code"],
                indicator=row["indicator"],
                economy=row["economy"],
                direction=row["direction"],
                target=num("target"),
                target_year=int(num("target_year", 2030) or 2030),
                base_year=int(num("base_year", 2015) or 2015),
                limit=num("limit"),
                goal=row.get("goal") or "",
                group=row.get("group") or "",
            )
        )
    return specs
