"""Are economies catching up? Sigma convergence (dispersion falls over time) and beta convergence
(economies starting lower grow faster: growth regressed on the initial level, by OLS)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

from wsis.engine.measure.inequality import coefficient_of_variation
from wsis.engine.measure.tidy import MeasureInputError


@dataclass(frozen=True)
class Trend:
    slope: float
    intercept: float
    stderr: float
    p_value: float
    n: int


@dataclass(frozen=True)
class SigmaConvergence:
    dispersion: pl.DataFrame  # period, dispersion, economies
    trend: Trend
    converging: bool  # dispersion falls over time (negative slope)


def sigma_convergence(
    frame: pl.DataFrame,
    *,
    measure: Callable[..., float] = coefficient_of_variation,
    weights: pl.DataFrame | None = None,
    balanced: bool = True,
) -> SigmaConvergence:
    """Dispersion of ``value`` across economies in each period, and its OLS trend over the periods.

    ``frame``: ``economy, period, value``; ``weights`` (optional): ``economy, period, value`` (population).
    ``balanced`` keeps only economies present in every period, so that the trend is not an artefact of
    economies entering or leaving the data.
    """
    data = frame.select("economy", "period", "value").drop_nulls()
    if weights is not None:
        data = data.join(
            weights.select("economy", "period", pl.col("value").alias("weight")), on=["economy", "period"]
        )
    if balanced:
        periods = data["period"].n_unique()
        full = data.group_by("economy").len().filter(pl.col("len") == periods)["economy"]
        data = data.filter(pl.col("economy").is_in(full.to_list()))
    rows = []
    for (period,), part in sorted(data.group_by("period"), key=lambda kv: kv[0][0]):
        w = part["weight"].to_numpy() if weights is not None else None
        rows.append(
            {"period": period, "dispersion": measure(part["value"].to_numpy(), w), "economies": part.height}
        )
    table = pl.DataFrame(rows)
    if table.height < 2:
        raise MeasureInputError("sigma convergence needs at least two periods with data")
    fit = stats.linregress(table["period"].to_numpy(), table["dispersion"].to_numpy())
    trend = Trend(float(fit.slope), float(fit.intercept), float(fit.stderr), float(fit.pvalue), table.height)
    return SigmaConvergence(table, trend, trend.slope < 0)


@dataclass(frozen=True)
class BetaConvergence:
    beta: float  # slope of annual log growth on the initial log level
    intercept: float
    stderr: float
    p_value: float
    r_squared: float
    n: int
    speed: float | None  # implied speed of convergence -ln(1 + beta T) / T, when defined
    converging: bool


def beta_convergence(frame: pl.DataFrame, start: int, end: int) -> BetaConvergence:
    """Regress annual log growth ``(ln y_end - ln y_start) / (end - start)`` on ``ln y_start``.

    A negative ``beta`` means economies that started lower grew faster (absolute beta convergence).
    Economies with a figure in both years and positive values only.
    """
    if end <= start:
        raise MeasureInputError(f"beta convergence: end {end} must be after start {start}")
    a = frame.filter(pl.col("period") == start).select("economy", pl.col("value").alias("y0"))
    b = frame.filter(pl.col("period") == end).select("economy", pl.col("value").alias("y1"))
    both = a.join(b, on="economy").filter((pl.col("y0") > 0) & (pl.col("y1") > 0))
    if both.height < 3:
        raise MeasureInputError(f"beta convergence needs at least 3 economies with data in {start} and {end}")
    span = end - start
    x = np.log(both["y0"].to_numpy())
    g = (np.log(both["y1"].to_numpy()) - x) / span
    fit = stats.linregress(x, g)
    speed = -np.log(1 + fit.slope * span) / span if 1 + fit.slope * span > 0 else None
    return BetaConvergence(
        beta=float(fit.slope),
        intercept=float(fit.intercept),
        stderr=float(fit.stderr),
        p_value=float(fit.pvalue),
        r_squared=float(fit.rvalue**2),
        n=both.height,
        speed=None if speed is None else float(speed),
        converging=bool(fit.slope < 0),
    )
