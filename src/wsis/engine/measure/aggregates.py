"""Group aggregates of an indicator: weighted means of rates, sums of counts, simple means of scores.

* ``kind="people"``: rate of individuals (Internet users %) -> population-weighted mean;
* ``kind="households"``: rate of households (households with Internet %) -> household-weighted mean;
* ``kind="count"``: a count (subscriptions) -> sum over members;
* ``kind="index"``: a score (IDI) -> simple mean over members, as ITU publishes group scores.

Members are those of the group on the period's membership date (:mod:`.memberships`). Members without a
figure for the period are filled by the chosen imputation chain (:mod:`.imputation`). Every aggregate
reports the share of the group's weight that is reported, imputed (by the input's publisher - ``nature``
estimate - or here) and missing, and is *refused* (no value, ``status="refused"`` and a message, or
:class:`CoverageError` with ``strict=True``) when the coverage - the share of the group's weight with a
figure of the input for the period (reported, plus publisher estimates unless
``estimates_count_as_coverage=False``) - is below ``min_coverage``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from wsis.engine.measure.imputation import FillContext, Filled, Method, NearestYear, describe
from wsis.engine.measure.memberships import PeriodDay, members_on, period_date
from wsis.engine.measure.provenance import Provenance
from wsis.engine.measure.tidy import MeasureInputError, is_imputed_nature

Kind = Literal["people", "households", "count", "index"]
METHOD_VERSION = "1"
DEFAULT_IMPUTATION: tuple[Method, ...] = (NearestYear(within=3),)


class CoverageError(ValueError):
    """An aggregate whose reported share of the group is below the minimum coverage."""


@dataclass(frozen=True)
class Aggregate:
    group: str
    indicator: str
    period: int
    kind: Kind
    value: float | None
    status: Literal["ok", "refused", "empty"]
    message: str
    membership_date: dt.date
    members: int
    reported_share: float
    estimate_share: float  # flagged as estimates by the input (e.g. "ITU estimate.")
    imputed_here_share: float  # filled by this engine's imputation chain
    missing_share: float
    unweighted: tuple[str, ...]  # members without a weight for the period: left out, listed here
    detail: pl.DataFrame = field(repr=False)
    provenance: Provenance = field(repr=False)

    @property
    def imputed_share(self) -> float:
        """Share of the group's weight whose figure is imputed, by the publisher or here."""
        return self.estimate_share + self.imputed_here_share

    def to_dict(self, detail: bool = False) -> dict[str, Any]:
        """Plain data; ``detail`` adds each member's figure and how it was obtained."""
        out = {
            "group": self.group,
            "indicator": self.indicator,
            "period": self.period,
            "kind": self.kind,
            "value": self.value,
            "status": self.status,
            "message": self.message,
            "membership_date": self.membership_date.isoformat(),
            "members": self.members,
            "reported_share": self.reported_share,
            "imputed_share": self.imputed_share,
            "estimate_share": self.estimate_share,
            "imputed_here_share": self.imputed_here_share,
            "missing_share": self.missing_share,
            "unweighted": list(self.unweighted),
            "provenance": self.provenance.to_dict(),
        }
        if detail:
            out["members_detail"] = self.detail.to_dicts()
        return out


def aggregate(
    values: pl.DataFrame,
    *,
    indicator: str,
    group: str,
    period: int,
    memberships: pl.DataFrame,
    kind: Kind = "people",
    weights: pl.DataFrame | None = None,
    imputation: Sequence[Method] = DEFAULT_IMPUTATION,
    min_coverage: float = 0.5,
    estimates_count_as_coverage: bool = True,
    membership_day: PeriodDay | dt.date = "mid",
    strict: bool = False,
    releases: Sequence[str] = (),
) -> Aggregate:
    """Aggregate ``indicator`` over ``group`` for ``period``.

    ``values`` is a tidy frame (:mod:`.tidy`); ``weights`` a tidy-like frame ``economy, period, value``
    (population for ``people``, households for ``households``; optional for ``count`` and ``index``, where
    shares are then shares of members). ``min_coverage`` is the minimum covered share of the group's weight.
    """
    if not 0 <= min_coverage <= 1:
        raise ValueError(f"min_coverage must be within 0-1, got {min_coverage}")
    if kind in ("people", "households") and weights is None:
        raise MeasureInputError(
            f"a {kind}-weighted aggregate needs weights ({_weight_name(kind, True)} by economy and period)"
        )
    on = period_date(period, membership_day)
    members = members_on(memberships, group, on)
    series = values.filter(pl.col("indicator") == indicator)
    weight_of = _weights_for(weights, period) if weights is not None else {}
    filled = fill_members(series, members, period, imputation, weight_of, on)
    detail = pl.DataFrame(
        [f.__dict__ for f in filled],
        schema={"economy": pl.Utf8, "value": pl.Float64, "source": pl.Utf8, "source_period": pl.Int64},
    )
    use_weights = weights is not None
    unweighted = tuple(e for e in members if use_weights and not weight_of.get(e))
    detail = detail.with_columns(
        pl.col("economy").replace_strict(weight_of, default=None, return_dtype=pl.Float64).alias("weight")
        if use_weights
        else pl.lit(1.0).alias("weight")
    )
    counted = detail.filter(pl.col("weight").is_not_null() & (pl.col("weight") > 0))
    total = float(counted["weight"].sum()) if counted.height else 0.0

    def share(expr: pl.Expr) -> float:
        return float(counted.filter(expr)["weight"].sum()) / total if total else 0.0

    reported = share(pl.col("source") == "reported")
    estimate = share(pl.col("source") == "estimate")
    imputed_here = share(pl.col("source").str.starts_with("imputed"))
    missing = share(pl.col("source") == "missing")
    # Coverage is what the input itself says about the period. A publisher's own estimates (ITU fills most
    # low-income economies) count by default: they are the custodian's figures, not guesses made here.
    coverage = reported + estimate if estimates_count_as_coverage else reported
    covered_by = (
        "reported figures and publisher estimates" if estimates_count_as_coverage else "reported figures"
    )
    provenance = Provenance(
        method=f"aggregate/{kind}",
        method_version=METHOD_VERSION,
        inputs=tuple(releases),
        parameters={
            "imputation": describe(list(imputation)),
            "min_coverage": min_coverage,
            "estimates_count_as_coverage": estimates_count_as_coverage,
            "membership_date": on.isoformat(),
        },
    )
    value: float | None = None
    status: Literal["ok", "refused", "empty"] = "ok"
    if not members:
        status, message = "empty", f"group {group} has no members on {on.isoformat()}"
    elif coverage < min_coverage:
        status = "refused"
        message = (
            f"{indicator} for {group} in {period} refused: {covered_by} cover {coverage:.1%} of the "
            f"group's {_weight_name(kind, use_weights)}, below the minimum coverage of {min_coverage:.0%} "
            f"(imputed {estimate + imputed_here:.1%}, missing {missing:.1%})"
        )
    else:
        value = _combine(counted.filter(pl.col("value").is_not_null()), kind)
        message = (
            f"{_weight_name(kind, use_weights)} reported {reported:.1%}, "
            f"imputed {estimate + imputed_here:.1%} (publisher estimates {estimate:.1%}, "
            f"imputed here {imputed_here:.1%}), missing {missing:.1%}"
        )
        if unweighted:
            message += f"; left out for lack of a weight: {', '.join(unweighted)}"
    result = Aggregate(
        group=group,
        indicator=indicator,
        period=period,
        kind=kind,
        value=value,
        status=status,
        message=message,
        membership_date=on,
        members=len(members),
        reported_share=reported,
        estimate_share=estimate,
        imputed_here_share=imputed_here,
        missing_share=missing,
        unweighted=unweighted,
        detail=detail,
        provenance=provenance,
    )
    if strict and status == "refused":
        raise CoverageError(message)
    return result


def _weight_name(kind: Kind, use_weights: bool) -> str:
    if not use_weights:
        return "members"
    return "households" if kind == "households" else "population"


def _combine(rows: pl.DataFrame, kind: Kind) -> float | None:
    if rows.height == 0:
        return None
    if kind == "count":
        return float(rows["value"].sum())
    if kind == "index":
        return float(rows["value"].mean())  # type: ignore[arg-type]
    return float((rows["value"] * rows["weight"]).sum()) / float(rows["weight"].sum())


def _weights_for(weights: pl.DataFrame, period: int) -> dict[str, float]:
    for col in ("economy", "period", "value"):
        if col not in weights.columns:
            raise MeasureInputError(f"weights: missing column '{col}'")
    rows = weights.filter(pl.col("period").cast(pl.Int64) == period)
    return {
        e: float(v)
        for e, v in zip(rows["economy"], rows["value"].cast(pl.Float64), strict=True)
        if v is not None
    }


def fill_members(
    series: pl.DataFrame,
    members: Sequence[str],
    period: int,
    methods: Sequence[Method],
    weights: dict[str, float],
    on: dt.date,
) -> list[Filled]:
    """Each member's figure for ``period``: reported, flagged estimate, imputed by ``methods``, or missing."""
    flagged = (
        series.with_columns(is_imputed_nature(pl.col("nature")).alias("_est"))
        if "nature" in series.columns
        else series.with_columns(pl.lit(False).alias("_est"))
    )
    now = flagged.filter(pl.col("period") == period)
    reported = {e: v for e, v, est in now.select("economy", "value", "_est").iter_rows() if not est}
    estimates = {e: v for e, v, est in now.select("economy", "value", "_est").iter_rows() if est}
    context = FillContext(period, on, reported, weights, tuple(members))
    by_economy = {key[0]: frame for key, frame in flagged.group_by("economy")}
    out: list[Filled] = []
    for economy in members:
        if economy in reported:
            out.append(Filled(economy, reported[economy], "reported", period))
            continue
        if economy in estimates:
            out.append(Filled(economy, estimates[economy], "estimate", period))
            continue
        history = by_economy.get(economy)
        history = (
            history.select("period", "value")
            if history is not None
            else pl.DataFrame(schema={"period": pl.Int64, "value": pl.Float64})
        )
        for method in methods:
            got = method.fill(economy, period, history, context)
            if got is not None:
                out.append(Filled(economy, got[0], f"imputed:{method.name}", got[1]))
                break
        else:
            out.append(Filled(economy, None, "missing", None))
    return out


def aggregate_table(
    values: pl.DataFrame,
    *,
    indicator: str,
    groups: Sequence[str],
    periods: Sequence[int],
    memberships: pl.DataFrame,
    **options: Any,
) -> pl.DataFrame:
    """Aggregates for several groups and periods as one frame (one row per group and period)."""
    rows = []
    for group in groups:
        for period in periods:
            result = aggregate(
                values, indicator=indicator, group=group, period=period, memberships=memberships, **options
            )
            row = result.to_dict()
            row.pop("provenance")
            row.pop("unweighted")
            rows.append(row)
    return pl.DataFrame(rows)
