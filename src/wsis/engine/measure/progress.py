"""Progress towards targets: the Open SDG / Eurostat CAGR method, and UNSD's 2022 progress-chart cut-offs.

Open SDG (Statistics Canada's method, after Eurostat), named ``"open-sdg"``:

* base year 2015, or the first year with data after it; current year = the latest year with data; at
  least two years, all values of one sign (a zero base or target is replaced by 0.001);
* ``CAGR = (y_current / y_base) ** (1 / (t_current - t_base)) - 1``;
* **with a target** ``y_T`` in year ``t_T``: ``R = sign * d * CAGR / |CAGR_required|`` with
  ``CAGR_required`` from base to target, ``d`` = +1 (increase) / -1 (decrease). Target already met ->
  "target achieved" (score +5); ``R >= 0.95`` on track; ``0.60 <= R < 0.95`` progress but acceleration
  needed; ``0 <= R < 0.60`` limited progress; ``R < 0`` deterioration. Score: linear from -5 at R = -0.6
  to 0 at R = 0.6 and to +5 at R = 1.3, clipped;
* **without a target**: the direction-adjusted CAGR against 1.5% / 0.5% / 0, each positive threshold
  scaled by ``C`` near a natural limit (``C = 1 - (y0/lim)^4.44`` below the limit, ``1 - ((2 lim -
  y0)/lim)^4.44`` above it, 1 beyond twice it). Score: -5 at -2%, -2.5 at 0, 0 at 0.5% C, 2.5 at 1.5% C,
  +5 at 2% C, linear in between and clipped; at the limit (C = 0) a non-negative CAGR scores +5;
* parity indicators are transformed to ``max(y, 1/y)`` first (desired direction: down towards 1); the
  parity series is the women/men ratio of the indicator, built from figures with a ``sex`` column (F, M)
  by :func:`parity_ratios`, or given as ratios already;
* scores in [-5, +5] average up: series -> indicator -> target -> goal (each level the mean of the level
  below, so sub-levels weigh equally); the status of a mean follows the score bands (2.5 / 0 / -2.5), and
  "target achieved" only when every item below achieved it.

UNSD 2022 progress chart, named ``"unsd-2022"``: the same ratio R with cut-offs 0.95 / 0.5 / -0.1 (on
track / acceleration needed / limited or no progress / deterioration); defined only with a target and
without a score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import polars as pl

from wsis.engine.measure.provenance import Provenance
from wsis.engine.measure.tidy import MeasureInputError

Direction = Literal["increase", "decrease", "parity"]
MethodName = Literal["open-sdg", "unsd-2022"]
METHODS: tuple[str, ...] = ("open-sdg", "unsd-2022")
METHOD_VERSIONS = {"open-sdg": "sdg-build ProgressMeasure (2025)", "unsd-2022": "UNSD progress chart 2022"}

TARGET_ACHIEVED = "target achieved"
ON_TRACK = "on track"
ACCELERATION = "progress but acceleration needed"
LIMITED = "limited progress"
DETERIORATION = "deterioration"
NOT_ASSESSED = "not assessed"
#: Order from worst to best, for ranking.
SEVERITY = {DETERIORATION: 0, LIMITED: 1, ACCELERATION: 2, ON_TRACK: 3, TARGET_ACHIEVED: 4, NOT_ASSESSED: 5}

ZERO_REPLACEMENT = 0.001
LIMIT_EXPONENT = 4.44


@dataclass(frozen=True)
class Assessment:
    status: str
    score: float | None
    progress_value: float | None  # R with a target, the direction-adjusted CAGR without
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    target: float | None
    target_year: int | None
    coefficient: float | None  # limit scaling factor C (no-target case)
    method: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cagr(current: float, base: float, t_current: int, t_base: int) -> float:
    """Compound annual growth rate between two years."""
    return float((current / base) ** (1 / (t_current - t_base)) - 1)


def limit_coefficient(base: float, limit: float) -> float:
    """Open SDG's factor C in [0, 1] that shrinks growth thresholds near a natural limit."""
    b, lim = abs(base), abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return float(1 - (b / lim) ** LIMIT_EXPONENT)
    return float(1 - ((2 * lim - b) / lim) ** LIMIT_EXPONENT)


def score_with_target(ratio: float) -> float:
    if ratio >= 0.6:
        return min(5.0, (ratio - 0.6) * 5 / 0.7)
    return max(-5.0, (ratio - 0.6) * 5 / 1.2)


def score_without_target(growth: float, coefficient: float = 1.0) -> float:
    if growth < 0:
        return max(-5.0, 125 * growth - 2.5)
    if coefficient == 0:
        return 5.0
    scaled = growth / coefficient
    if scaled >= 0.015:
        return min(5.0, 500 * scaled - 5)
    if scaled >= 0.005:
        return 250 * scaled - 1.25
    return 500 * scaled - 2.5


def status_from_score(score: float | None, all_achieved: bool = False) -> str:
    if all_achieved:
        return TARGET_ACHIEVED
    if score is None or math.isnan(score):
        return NOT_ASSESSED
    if score >= 2.5:
        return ON_TRACK
    if score >= 0:
        return ACCELERATION
    if score >= -2.5:
        return LIMITED
    return DETERIORATION


def _status_open_sdg(value: float, high: float, med: float) -> str:
    if value >= high:
        return ON_TRACK
    if value >= med:
        return ACCELERATION
    return LIMITED if value >= 0 else DETERIORATION


def _status_unsd(ratio: float) -> str:
    if ratio >= 0.95:
        return ON_TRACK
    if ratio >= 0.5:
        return ACCELERATION
    return LIMITED if ratio >= -0.1 else DETERIORATION


def assess(
    periods: Sequence[int],
    values: Sequence[float],
    *,
    direction: Direction,
    target: float | None = None,
    target_year: int = 2030,
    base_year: int = 2015,
    limit: float | None = None,
    method: MethodName = "open-sdg",
    parity_band: tuple[float, float] | None = None,
) -> Assessment:
    """Assess one series (years and values). ``parity_band``: parity values inside it count as exactly 1."""
    if method not in METHODS:
        raise ValueError(f"unknown progress method {method!r}; choose one of {', '.join(METHODS)}")
    if len(periods) != len(values):
        raise MeasureInputError(f"{len(periods)} periods but {len(values)} values")
    pairs = sorted((int(t), float(v)) for t, v in zip(periods, values, strict=True) if v is not None)
    if len({t for t, _ in pairs}) != len(pairs):
        raise MeasureInputError("a series has two values for the same year")
    d = -1 if direction in ("decrease", "parity") else 1
    if direction == "parity":
        pairs = [(t, _parity(v, parity_band)) for t, v in pairs]
        target = 1.0 if target is not None else None

    def none(reason: str, **known: Any) -> Assessment:
        fields: dict[str, Any] = dict.fromkeys(
            (
                "score",
                "progress_value",
                "base_year",
                "base_value",
                "current_year",
                "current_value",
                "coefficient",
            )
        )
        fields.update(known)
        return Assessment(
            status=NOT_ASSESSED,
            target=target,
            target_year=target_year,
            method=method,
            reason=reason,
            **fields,
        )

    later = [(t, v) for t, v in pairs if t >= base_year]
    if len(later) < 2:
        return none(f"needs at least two years from {base_year} on, has {len(later)}")
    (t0, y0), (t1, y1) = later[0], later[-1]
    known = {"base_year": t0, "base_value": y0, "current_year": t1, "current_value": y1}
    achieved = target is not None and (y1 >= target if d == 1 else y1 <= target)
    if y0 == 0:
        y0 = ZERO_REPLACEMENT
    if (y0 > 0) != (y1 > 0) or y1 == 0:
        return none("base and current values must have the same sign (and not be zero)", **known)
    sign = -1 if y0 < 0 else 1
    observed = cagr(y1, y0, t1, t0)
    if target is not None:
        goal = ZERO_REPLACEMENT if target == 0 else target
        required = cagr(goal, y0, target_year, t0) if target_year > t0 else 0.0
        if achieved:
            ratio = None if required == 0 else sign * d * observed / abs(required)
            score = 5.0 if method == "open-sdg" else None
            return Assessment(
                TARGET_ACHIEVED, score, ratio, t0, y0, t1, y1, target, target_year, None, method
            )
        if required == 0:
            return none("the base value already equals the target", **known)
        ratio = sign * d * observed / abs(required)
        if method == "unsd-2022":
            status = _status_unsd(ratio)
            return Assessment(status, None, ratio, t0, y0, t1, y1, target, target_year, None, method)
        status = _status_open_sdg(ratio, 0.95, 0.6)
        score = score_with_target(ratio)
        return Assessment(status, score, ratio, t0, y0, t1, y1, target, target_year, None, method)
    if method == "unsd-2022":
        return none("the UNSD 2022 chart assesses only series with a target", **known)
    growth = sign * d * observed
    coefficient = 1.0
    # Only a limit in the desired direction matters: a maximum when increasing, a minimum when decreasing.
    if limit is not None and ((d == 1 and y0 <= limit) or (d == -1 and y0 >= limit)):
        coefficient = limit_coefficient(y0, limit)
    if coefficient == 0 and growth >= 0:
        status, score = ON_TRACK, 5.0
    else:
        status = _status_open_sdg(growth, 0.015 * coefficient, 0.005 * coefficient)
        score = score_without_target(growth, coefficient)
    return Assessment(status, score, growth, t0, y0, t1, y1, None, None, coefficient, method)


def _parity(value: float, band: tuple[float, float] | None) -> float:
    if value <= 0:
        raise MeasureInputError(f"a parity index must be positive, got {value}")
    if band is not None and band[0] <= value <= band[1]:
        return 1.0
    return max(value, 1 / value)


@dataclass(frozen=True)
class ProgressSpec:
    """What to assess: an indicator for an economy or group, with its direction and optional target."""

    code: str
    indicator: str
    economy: str
    direction: Direction
    target: float | None = None
    target_year: int = 2030
    base_year: int = 2015
    limit: float | None = None
    goal: str = ""
    group: str = ""  # the target (or other level) the item rolls up into


WOMEN, MEN = "F", "M"


def parity_ratios(values: pl.DataFrame) -> pl.DataFrame:
    """The gender parity series: women's figure / men's figure per economy, indicator and year.

    ``values``: tidy rows with a ``sex`` column; rows of other codes (totals ``_T``) are ignored, and a
    year with only one of the two figures gives no ratio. A men's figure of 0 has no ratio either."""
    if "sex" not in values.columns:
        raise MeasureInputError("parity needs figures by sex: no 'sex' column")
    keys = ["economy", "indicator", "period"]
    women = values.filter(pl.col("sex") == WOMEN).select(*keys, pl.col("value").alias("_f"))
    men = values.filter(pl.col("sex") == MEN).select(*keys, pl.col("value").alias("_m"))
    for label, part in (("women", women), ("men", men)):
        if part.select(pl.struct(keys).is_duplicated().any()).item():
            raise MeasureInputError(f"two {label}'s figures for the same economy, indicator and year")
    return (
        women.join(men, on=keys, how="inner")
        .filter(pl.col("_m") != 0)
        .select(*keys, (pl.col("_f") / pl.col("_m")).alias("value"))
        .sort(keys)
    )


def assess_all(
    values: pl.DataFrame,
    specs: Iterable[ProgressSpec],
    method: MethodName = "open-sdg",
    releases: Sequence[str] = (),
) -> tuple[pl.DataFrame, Provenance]:
    """Assess every spec against a tidy frame; one row per spec with status, score and the figures used.

    With a ``sex`` column, increase/decrease specs read the totals (``sex`` null or ``_T``) and parity
    specs the women/men ratio of the F and M rows (:func:`parity_ratios`); without one, every row is the
    series itself (for a parity spec: ratios already)."""
    by_sex = "sex" in values.columns
    ratios = parity_ratios(values) if by_sex else None
    totals = values.filter(pl.col("sex").is_null() | (pl.col("sex") == "_T")) if by_sex else values
    rows = []
    for spec in specs:
        source = ratios if (spec.direction == "parity" and ratios is not None) else totals
        series = source.filter((pl.col("indicator") == spec.indicator) & (pl.col("economy") == spec.economy))
        result = assess(
            series["period"].to_list(),
            series["value"].to_list(),
            direction=spec.direction,
            target=spec.target,
            target_year=spec.target_year,
            base_year=spec.base_year,
            limit=spec.limit,
            method=method,
        )
        row = {**asdict(spec), **result.to_dict()}
        row["target"] = result.target
        rows.append(row)
    provenance = Provenance("progress/" + method, METHOD_VERSIONS[method], tuple(releases))
    return pl.DataFrame(rows, infer_schema_length=None), provenance


def roll_up(assessed: pl.DataFrame, level: str) -> pl.DataFrame:
    """Mean score per ``level`` (e.g. ``group`` = SDG target, then ``goal``) and the status it implies."""
    if level not in assessed.columns:
        raise MeasureInputError(f"roll_up: no column '{level}'")
    grouped = (
        assessed.group_by(level)
        .agg(
            pl.col("score").mean().alias("score"),
            (pl.col("status") == TARGET_ACHIEVED).all().alias("all_achieved"),
            pl.len().alias("items"),
        )
        .sort(level)
    )
    return grouped.with_columns(
        pl.struct("score", "all_achieved")
        .map_elements(lambda r: status_from_score(r["score"], r["all_achieved"]), return_dtype=pl.Utf8)
        .alias("status")
    )


def needing_improvement(assessed: pl.DataFrame) -> pl.DataFrame:
    """The items off track or deteriorating, worst first: the input to para 20's "issues that need
    improvement". Ranked by status severity, then score (or the ratio when a method gives no score)."""
    off = assessed.filter(pl.col("status").is_in([DETERIORATION, LIMITED, ACCELERATION]))
    return (
        off.with_columns(
            pl.col("status").replace_strict(SEVERITY, return_dtype=pl.Int64).alias("_severity"),
            pl.coalesce(pl.col("score"), pl.col("progress_value")).alias("_key"),
        )
        .sort(["_severity", "_key"])
        .drop("_severity", "_key")
        .with_row_index("rank", offset=1)
    )


def spec_from_target(target: Any, economy: str | None = None) -> ProgressSpec | None:
    """A spec from a connectivity target of the reference knowledge (:class:`wsis.reference.schema.Target`).

    Qualitative targets (no indicator or threshold) give ``None``.
    """
    if getattr(target, "indicator", None) is None or getattr(target, "threshold", None) is None:
        return None
    directions: dict[str, Direction] = {"at_least": "increase", "at_most": "decrease", "parity": "parity"}
    direction = directions[target.direction]
    return ProgressSpec(
        code=target.code,
        indicator=target.indicator,
        economy=economy or target.group,
        direction=direction,
        target=float(target.threshold),
        target_year=int(target.target_year),
        base_year=int(target.base_year or 2015),
        goal=target.framework,
        group=target.code,
    )
