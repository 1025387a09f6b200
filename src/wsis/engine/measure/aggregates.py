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

The relational work (members on the date, weights, the imputation chain, shares, weighted means, sums)
is one SQL query per call run by a :mod:`.backend` (DuckDB by default, Spark as well), for any number of
groups and periods at once (:func:`aggregate_many`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from wsis.engine.measure.backend import Backend, resolve, with_ctes
from wsis.engine.measure.imputation import Method, NearestYear, describe
from wsis.engine.measure.memberships import PeriodDay, period_date
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
    backend: Backend | None = None,
) -> Aggregate:
    """Aggregate ``indicator`` over ``group`` for ``period``.

    ``values`` is a tidy frame (:mod:`.tidy`); ``weights`` a tidy-like frame ``economy, period, value``
    (population for ``people``, households for ``households``; optional for ``count`` and ``index``, where
    shares are then shares of members). ``min_coverage`` is the minimum covered share of the group's weight.
    ``backend`` runs the SQL (:mod:`.backend`; DuckDB when omitted).
    """
    return aggregate_many(
        values,
        indicator=indicator,
        groups=[group],
        periods=[period],
        memberships=memberships,
        kind=kind,
        weights=weights,
        imputation=imputation,
        min_coverage=min_coverage,
        estimates_count_as_coverage=estimates_count_as_coverage,
        membership_day=membership_day,
        strict=strict,
        releases=releases,
        backend=backend,
    )[0]


def aggregate_many(
    values: pl.DataFrame,
    *,
    indicator: str,
    groups: Sequence[str],
    periods: Sequence[int],
    memberships: pl.DataFrame,
    kind: Kind = "people",
    weights: pl.DataFrame | None = None,
    imputation: Sequence[Method] = DEFAULT_IMPUTATION,
    min_coverage: float = 0.5,
    estimates_count_as_coverage: bool = True,
    membership_day: PeriodDay | dt.date = "mid",
    strict: bool = False,
    releases: Sequence[str] = (),
    backend: Backend | None = None,
) -> list[Aggregate]:
    """:func:`aggregate` for every group and period (group-major order), computed in one query.

    Members, their weights, the imputation chain and the shares of all requested aggregates are one SQL
    statement on the backend; only the wording of the messages is left to Python.
    """
    if not 0 <= min_coverage <= 1:
        raise ValueError(f"min_coverage must be within 0-1, got {min_coverage}")
    if kind in ("people", "households") and weights is None:
        raise MeasureInputError(
            f"a {kind}-weighted aggregate needs weights ({_weight_name(kind, True)} by economy and period)"
        )
    requests, tables = aggregate_inputs(
        values, indicator, groups, periods, memberships, weights, membership_day
    )
    sql, extra = aggregate_sql(imputation, weighted=weights is not None)
    rows = resolve(backend).run(sql, {**tables, **extra})
    # Split once (rows come ordered by request and economy): per-request polars calls would cost more
    # than the query itself for a thousand aggregates.
    details = {
        key[0]: part
        for key, part in rows.select(
            "req_id", *[pl.col(name).cast(dtype) for name, dtype in _DETAIL_SCHEMA.items()]
        )
        .partition_by("req_id", as_dict=True, include_key=False)
        .items()
    }
    totals = {
        r["req_id"]: r
        for r in rows.unique("req_id", keep="first", maintain_order=True)
        .select("req_id", *_TOTALS)
        .to_dicts()
    }
    chain = describe(list(imputation))
    provenance_of = {
        on: Provenance(
            method=f"aggregate/{kind}",
            method_version=METHOD_VERSION,
            inputs=tuple(releases),
            parameters={
                "imputation": chain,
                "min_coverage": min_coverage,
                "estimates_count_as_coverage": estimates_count_as_coverage,
                "membership_date": on.isoformat(),
            },
        )
        for on in {on for _, _, on in requests}
    }
    results = []
    for req_id, (group, period, on) in enumerate(requests):
        result = _result(
            details.get(req_id, pl.DataFrame(schema=_DETAIL_SCHEMA)),
            totals.get(req_id, {}),
            group=group,
            indicator=indicator,
            period=period,
            on=on,
            kind=kind,
            use_weights=weights is not None,
            min_coverage=min_coverage,
            estimates_count_as_coverage=estimates_count_as_coverage,
            provenance=provenance_of[on],
        )
        if strict and result.status == "refused":
            raise CoverageError(result.message)
        results.append(result)
    return results


Request = tuple[str, int, dt.date]  # group, period, membership date


def aggregate_inputs(
    values: pl.DataFrame,
    indicator: str,
    groups: Sequence[str],
    periods: Sequence[int],
    memberships: pl.DataFrame,
    weights: pl.DataFrame | None,
    membership_day: PeriodDay | dt.date = "mid",
) -> tuple[list[Request], dict[str, pl.DataFrame]]:
    """The requests (group-major) and the tables :func:`aggregate_sql` reads, checked and sorted."""
    requests = [(g, int(p), period_date(int(p), membership_day)) for g in groups for p in periods]
    tables = {
        "req": pl.DataFrame(
            {
                "req_id": range(len(requests)),
                "grp": [g for g, _, _ in requests],
                "period": [p for _, p, _ in requests],
                "on_date": [on for _, _, on in requests],
            },
            schema={"req_id": pl.Int64, "grp": pl.Utf8, "period": pl.Int64, "on_date": pl.Date},
        ),
        "mem": memberships.filter(pl.col("group").is_in(list(groups)))
        .select(
            pl.col("group").cast(pl.Utf8).alias("grp"),
            pl.col("economy").cast(pl.Utf8),
            pl.col("valid_from").cast(pl.Date),
            pl.col("valid_to").cast(pl.Date),
        )
        .sort(pl.all(), nulls_last=True),
        "obs": series_of(values, indicator),
    }
    if weights is not None:
        tables["wts"] = _weights_for(weights, sorted({p for _, p, _ in requests}))
    return requests, tables


_DETAIL_SCHEMA = {
    "economy": pl.Utf8,
    "value": pl.Float64,
    "source": pl.Utf8,
    "source_period": pl.Int64,
    "weight": pl.Float64,
}
_TOTALS = (
    "total_weight",
    "reported_weight",
    "estimate_weight",
    "imputed_weight",
    "missing_weight",
    "weighted_mean",
    "value_sum",
    "value_mean",
)


def _result(
    detail: pl.DataFrame,
    first: dict[str, Any],
    *,
    group: str,
    indicator: str,
    period: int,
    on: dt.date,
    kind: Kind,
    use_weights: bool,
    min_coverage: float,
    estimates_count_as_coverage: bool,
    provenance: Provenance,
) -> Aggregate:
    """One request's members (``detail``) and totals (``first``: empty when the group has no members)."""
    total = float(first.get("total_weight") or 0.0)

    def share(column: str) -> float:
        return float(first[column] or 0.0) / total if total else 0.0

    reported, estimate = share("reported_weight"), share("estimate_weight")
    imputed_here, missing = share("imputed_weight"), share("missing_weight")
    unweighted = (
        tuple(
            e
            for e, w in zip(detail["economy"].to_list(), detail["weight"].to_list(), strict=True)
            if not (w is not None and w > 0)
        )
        if use_weights
        else ()
    )
    # Coverage is what the input itself says about the period. A publisher's own estimates (ITU fills most
    # low-income economies) count by default: they are the custodian's figures, not guesses made here.
    coverage = reported + estimate if estimates_count_as_coverage else reported
    covered_by = (
        "reported figures and publisher estimates" if estimates_count_as_coverage else "reported figures"
    )
    value: float | None = None
    status: Literal["ok", "refused", "empty"] = "ok"
    if not detail.height:
        status, message = "empty", f"group {group} has no members on {on.isoformat()}"
    elif coverage < min_coverage:
        status = "refused"
        message = (
            f"{indicator} for {group} in {period} refused: {covered_by} cover {coverage:.1%} of the "
            f"group's {_weight_name(kind, use_weights)}, below the minimum coverage of {min_coverage:.0%} "
            f"(imputed {estimate + imputed_here:.1%}, missing {missing:.1%})"
        )
    else:
        combined = first[{"count": "value_sum", "index": "value_mean"}.get(kind, "weighted_mean")]
        value = None if combined is None else float(combined)
        message = (
            f"{_weight_name(kind, use_weights)} reported {reported:.1%}, "
            f"imputed {estimate + imputed_here:.1%} (publisher estimates {estimate:.1%}, "
            f"imputed here {imputed_here:.1%}), missing {missing:.1%}"
        )
        if unweighted:
            message += f"; left out for lack of a weight: {', '.join(unweighted)}"
    return Aggregate(
        group=group,
        indicator=indicator,
        period=period,
        kind=kind,
        value=value,
        status=status,
        message=message,
        membership_date=on,
        members=detail.height,
        reported_share=reported,
        estimate_share=estimate,
        imputed_here_share=imputed_here,
        missing_share=missing,
        unweighted=unweighted,
        detail=detail,
        provenance=provenance,
    )


def _weight_name(kind: Kind, use_weights: bool) -> str:
    if not use_weights:
        return "members"
    return "households" if kind == "households" else "population"


def series_of(values: pl.DataFrame, indicator: str) -> pl.DataFrame:
    """The indicator's figures as ``economy, period, value, est`` (``est``: flagged as an estimate)."""
    for col in ("economy", "indicator", "period", "value"):
        if col not in values.columns:
            raise MeasureInputError(f"values: missing column '{col}'")
    series = values.filter(pl.col("indicator") == indicator).select(
        pl.col("economy").cast(pl.Utf8),
        pl.col("period").cast(pl.Int64),
        pl.col("value").cast(pl.Float64),
        (is_imputed_nature(pl.col("nature")) if "nature" in values.columns else pl.lit(False)).alias("est"),
    )
    # The SQL joins on (economy, period): a repeated key would count a member twice.
    twice = series.filter(pl.struct("economy", "period").is_duplicated())
    if twice.height:
        r = twice.row(0, named=True)
        raise MeasureInputError(
            f"values: {indicator} has two figures for economy {r['economy']} in period {r['period']}"
        )
    # Sorted: the same figures in any row order give the same bits (see backend.DuckDBBackend).
    return series.drop_nulls(["economy", "period", "value"]).sort("economy", "period")


def _weights_for(weights: pl.DataFrame, periods: Sequence[int]) -> pl.DataFrame:
    for col in ("economy", "period", "value"):
        if col not in weights.columns:
            raise MeasureInputError(f"weights: missing column '{col}'")
    rows = weights.select(
        pl.col("economy").cast(pl.Utf8),
        pl.col("period").cast(pl.Int64),
        pl.col("value").cast(pl.Float64).alias("weight"),
    ).filter(pl.col("period").is_in(list(periods)) & pl.col("weight").is_not_null())
    twice = rows.filter(pl.struct("economy", "period").is_duplicated())
    if twice.height:
        r = twice.row(0, named=True)
        raise MeasureInputError(f"weights: two values for economy {r['economy']} in period {r['period']}")
    return rows.sort("economy", "period")


def aggregate_sql(methods: Sequence[Method], weighted: bool) -> tuple[str, dict[str, pl.DataFrame]]:
    """The one query behind :func:`aggregate_many` and the extra tables its imputation methods read.

    It reads ``req(req_id, grp, period, on_date)``, ``mem(grp, economy, valid_from, valid_to)``,
    ``obs(economy, period, value, est)`` and, when ``weighted``, ``wts(economy, period, weight)``; it
    returns one row per member and request with the member's figure, how it was obtained and its weight,
    and the request's totals repeated on each row (window sums: one pass gives detail and summary).
    """
    weight = "w.weight" if weighted else "CAST(1.0 AS DOUBLE)"

    def join_weights(alias: str, how: str = "LEFT") -> str:
        if not weighted:
            return ""
        return f"{how} JOIN wts w ON w.economy = {alias}.economy AND w.period = {alias}.period"

    ctes: list[tuple[str, str]] = [
        (
            "members",
            """
SELECT DISTINCT r.req_id, r.grp, r.period, r.on_date, m.economy
FROM req r JOIN mem m ON m.grp = r.grp AND m.valid_from <= r.on_date
                     AND (m.valid_to IS NULL OR m.valid_to > r.on_date)""",
        ),
        (
            "figures",
            """
SELECT m.req_id, m.economy, o.value, o.est
FROM members m JOIN obs o ON o.economy = m.economy AND o.period = m.period""",
        ),
        (
            "gap",
            """
SELECT m.req_id, m.grp, m.period, m.on_date, m.economy
FROM members m LEFT JOIN figures f ON f.req_id = m.req_id AND f.economy = m.economy
WHERE f.economy IS NULL""",
        ),
        (
            "reported",
            f"""
SELECT o.economy, o.period, o.value, {weight} AS weight
FROM obs o {join_weights("o", "INNER")}
WHERE NOT o.est AND o.period IN (SELECT DISTINCT period FROM req) AND {weight} > 0""",
        ),
    ]
    tables: dict[str, pl.DataFrame] = {}
    fills: list[tuple[str, str, str]] = []  # (alias, CTE, source label), in the chain's order
    for i, method in enumerate(methods):
        method_ctes, method_tables = method.sql(f"m{i}_")
        ctes += method_ctes
        tables.update(method_tables)
        fills.append((f"c{i}", method_ctes[-1][0], "imputed:" + method.name.replace("'", "''")))
    value = " ".join(f"WHEN {a}.economy IS NOT NULL THEN {a}.value" for a, _, _ in fills)
    source = " ".join(f"WHEN {a}.economy IS NOT NULL THEN '{label}'" for a, _, label in fills)
    period = " ".join(f"WHEN {a}.economy IS NOT NULL THEN {a}.source_period" for a, _, _ in fills)
    joins = "\n".join(
        f"LEFT JOIN {cte} {a} ON {a}.req_id = m.req_id AND {a}.economy = m.economy" for a, cte, _ in fills
    )
    ctes.append(
        (
            "detail",
            f"""
SELECT m.req_id, m.economy,
       CASE WHEN f.economy IS NOT NULL THEN f.value {value} END AS value,
       CASE WHEN f.economy IS NOT NULL THEN (CASE WHEN f.est THEN 'estimate' ELSE 'reported' END)
            {source} ELSE 'missing' END AS source,
       CASE WHEN f.economy IS NOT NULL THEN m.period {period} END AS source_period,
       {weight} AS weight
FROM members m
LEFT JOIN figures f ON f.req_id = m.req_id AND f.economy = m.economy
{joins}
{join_weights("m")}""",
        )
    )

    # Only members with a positive weight count, in the shares and in the value.
    def counted(what: str, test: str = "TRUE") -> str:
        return f"SUM(CASE WHEN weight > 0 AND {test} THEN {what} ELSE 0 END) OVER per_request"

    has_value = "value IS NOT NULL"
    final = f"""
SELECT req_id, economy, value, source, source_period, weight,
       {counted("weight")} AS total_weight,
       {counted("weight", "source = 'reported'")} AS reported_weight,
       {counted("weight", "source = 'estimate'")} AS estimate_weight,
       {counted("weight", "source LIKE 'imputed%'")} AS imputed_weight,
       {counted("weight", "source = 'missing'")} AS missing_weight,
       {counted("value * weight", has_value)} / NULLIF({counted("weight", has_value)}, 0) AS weighted_mean,
       SUM(CASE WHEN weight > 0 THEN value END) OVER per_request AS value_sum,
       AVG(CASE WHEN weight > 0 THEN value END) OVER per_request AS value_mean
FROM detail
WINDOW per_request AS (PARTITION BY req_id)
ORDER BY req_id, economy"""
    return with_ctes(ctes, final), tables


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
    for result in aggregate_many(
        values, indicator=indicator, groups=groups, periods=periods, memberships=memberships, **options
    ):
        row = result.to_dict()
        row.pop("provenance")
        row.pop("unweighted")
        rows.append(row)
    return pl.DataFrame(rows)
