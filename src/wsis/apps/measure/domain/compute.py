"""The measurement engine run on the warehouse: each function reads its inputs (:mod:`.inputs`), calls the
engine and returns the computation (:mod:`.results`). The CLI and the API print or serve
:func:`~wsis.apps.measure.domain.results.answer` of what they get back. Nothing here writes: each
function returns the stored computation of the same question and data if there is one, else an unsaved
one, which the caller may keep with :func:`wsis.apps.measure.domain.store.save`.

Choices made here, for every computation on warehouse data:

* weights are World Bank population (``SP.POP.TOTL``); rates of households are weighted by population
  too, because the warehouse holds no household counts - said in the parameters of each such computation;
* the ``group`` imputation method falls back on the member's ITU region;
* figures marked as estimates by their publisher (ITU's "ITU estimate.") count towards coverage unless
  ``reported_only`` is asked for, as in the engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import polars as pl

from wsis.apps.measure.domain import inputs
from wsis.apps.measure.domain.results import build
from wsis.apps.measure.models import Computation
from wsis.apps.reference.models import ConnectivityTarget, Economy
from wsis.engine.measure import affordability as afford
from wsis.engine.measure import inequality as ineq
from wsis.engine.measure.aggregates import METHOD_VERSION, Aggregate, aggregate_many
from wsis.engine.measure.divides import BANDS, compare_groups
from wsis.engine.measure.divides import divides as engine_divides
from wsis.engine.measure.imputation import GroupFallback, Method, NearestYear, Trend
from wsis.engine.measure.index import load_methodology, score
from wsis.engine.measure.memberships import groups_of_on, period_date
from wsis.engine.measure.progress import (
    METHOD_VERSIONS,
    METHODS,
    ProgressSpec,
    assess_all,
    needing_improvement,
    roll_up,
    spec_from_target,
)
from wsis.engine.measure.tidy import MeasureInputError

#: Which breakdown each divide compares: (dimension, disadvantaged code, advantaged code).
DIVIDES = {"sex": ("sex", "F", "M"), "urbanisation": ("urbanisation", "R", "U")}
FALLBACK_KIND = "itu_region"
DEFAULT_IMPUTATION = "nearest:3"


def imputation_chain(
    spec: str, fallback: pl.DataFrame | None, bounds: tuple[float, float] = (0.0, 100.0)
) -> list[Method]:
    """``trend:5,nearest:3,group`` -> the chain, in that order; ``none`` for no imputation. A trend is
    clipped to ``bounds`` (0-100 for percentages: a straight line must not leave the possible range)."""
    methods: list[Method] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, arg = part.partition(":")
        try:
            within = int(arg) if arg else None
        except ValueError:
            raise MeasureInputError(f"imputation {part!r}: {arg!r} is not a number of years") from None
        if name == "none":
            continue
        if name == "nearest":
            methods.append(NearestYear(within=within or 3))
        elif name == "trend":
            methods.append(Trend(within=within or 5, bounds=bounds))
        elif name == "group":
            methods.append(GroupFallback(groups=fallback))
        else:
            raise MeasureInputError(f"unknown imputation method {name!r} (nearest:N, trend:N, group, none)")
    return methods


def _weights_note(kind: str) -> str | None:
    if kind == "households":
        return f"{inputs.POPULATION} (population as a proxy: the warehouse holds no household counts)"
    if kind == "index":
        return None
    return inputs.POPULATION


def group_aggregates(
    indicator: str,
    groups: Sequence[str],
    periods: Sequence[int],
    *,
    kind: str | None,
    impute: str,
    min_coverage: float,
    reported_only: bool,
    release: str | int | None,
    breakdown: dict[str, str] | None = None,
) -> tuple[list[Aggregate], dict[str, Any], list[Any]]:
    """Engine aggregates on warehouse inputs, the parameters that define them and the input releases.
    ``breakdown`` (e.g. ``{"sex": "F"}``) aggregates that disaggregation's figures instead of totals."""
    groups = inputs.check_groups(groups)
    kind = kind or inputs.aggregation_kind(indicator)
    got = inputs.values([indicator], release=release, disaggregations=breakdown)
    weights_note = _weights_note(kind)
    pop = inputs.population() if weights_note else None
    memberships = inputs.memberships()
    bounds = (0.0, 100.0) if inputs.unit_of(indicator) == "percent" else (0.0, math.inf)
    chain = imputation_chain(impute, inputs.memberships([FALLBACK_KIND]), bounds)
    releases = [*got.releases, *(pop.releases if pop else ())]
    names = tuple(str(r) for r in releases)
    # Every group and period in one query (group-major order, as the parameters list them).
    results = aggregate_many(
        got.frame,
        indicator=indicator,
        groups=groups,
        periods=list(periods),
        memberships=memberships,
        kind=kind,  # type: ignore[arg-type]
        weights=pop.frame if pop else None,
        imputation=chain,
        min_coverage=min_coverage,
        estimates_count_as_coverage=not reported_only,
        releases=names,
    )
    parameters = {
        "indicator": indicator,
        "groups": groups,
        "periods": list(periods),
        "kind": kind,
        "imputation": impute,
        "imputation_fallback": FALLBACK_KIND,
        "min_coverage": min_coverage,
        "reported_only": reported_only,
        "release": release,
        "weights": weights_note,
        "world": "WLD = every economy of the reference knowledge",
        **({"breakdown": breakdown} if breakdown else {}),
    }
    return results, parameters, releases


def aggregate(
    indicator: str,
    groups: Sequence[str],
    periods: Sequence[int],
    *,
    kind: str | None = None,
    impute: str = DEFAULT_IMPUTATION,
    min_coverage: float = 0.5,
    reported_only: bool = False,
    release: str | int | None = None,
    detail: bool = False,
) -> Computation:
    """Group aggregates of ``indicator`` (one per group and period); refused ones are stored as refused."""
    results, parameters, releases = group_aggregates(
        indicator,
        groups,
        periods,
        kind=kind,
        impute=impute,
        min_coverage=min_coverage,
        reported_only=reported_only,
        release=release,
    )
    parameters["detail"] = detail
    refused = [r for r in results if r.status != "ok"]
    return build(
        Computation.Kind.AGGREGATE,
        parameters=parameters,
        result={"aggregates": [r.to_dict(detail=detail) for r in results]},
        releases=releases,
        methodology=f"aggregate/{parameters['kind']}",
        methodology_version=METHOD_VERSION,
        status="refused" if refused else "ok",
    )


def divides(
    indicator: str,
    period: int,
    *,
    by: str | None = "sex",
    groups: Sequence[str] = (),
    reference: str = inputs.WORLD,
    bands: str = "itu",
    min_coverage: float = 0.5,
    release: str | int | None = None,
) -> Computation:
    """Divides of ``indicator`` in ``period``: per economy, the ``by`` breakdown's ratio (the gender parity
    score for sex), band and gap; with ``groups``, each group's aggregate against ``reference``'s."""
    if by is None and not groups:
        raise MeasureInputError("divides: give a breakdown (sex or urbanisation) or groups to compare")
    if bands not in BANDS:
        raise MeasureInputError(f"unknown bands {bands!r}; known: {', '.join(sorted(BANDS))}")
    result: dict[str, Any] = {"indicator": indicator, "period": period}
    releases: list[Any] = []
    parameters: dict[str, Any] = {
        "indicator": indicator,
        "period": period,
        "by": by,
        "bands": bands,
        "release": release,
    }
    if by is not None:
        if by not in DIVIDES:
            raise MeasureInputError(f"unknown breakdown {by!r}; known: {', '.join(DIVIDES)}")
        dimension, low, high = DIVIDES[by]
        sides = []
        for code, column in ((low, "disadvantaged"), (high, "advantaged")):
            got = inputs.values(
                [indicator], release=release, disaggregations={dimension: code}, require=False
            )
            releases += got.releases
            sides.append(
                got.frame.filter(pl.col("period") == period).select("economy", pl.col("value").alias(column))
            )
        wide = sides[0].join(sides[1], on="economy", how="inner").sort("economy")
        if wide.is_empty():
            raise inputs.UnknownInput(f"no {indicator} figures by {by} ({low} and {high}) for {period}")
        table = engine_divides(wide, disadvantaged="disadvantaged", advantaged="advantaged", bands=bands)
        result["by"] = {"dimension": by, "disadvantaged": low, "advantaged": high}
        result["divides"] = table.to_dicts()
    if groups:
        compared = [*inputs.check_groups(groups), *inputs.check_groups([reference])]
        aggregates, agg_parameters, agg_releases = group_aggregates(
            indicator,
            list(dict.fromkeys(compared)),
            [period],
            kind=None,
            impute=DEFAULT_IMPUTATION,
            min_coverage=min_coverage,
            reported_only=False,
            release=release,
        )
        releases += agg_releases
        result["comparison"] = compare_groups(aggregates, reference.upper()).to_dicts()
        result["aggregates"] = [a.to_dict() for a in aggregates]
        parameters |= {
            "groups": agg_parameters["groups"],
            "reference": reference.upper(),
            "imputation": DEFAULT_IMPUTATION,
            "min_coverage": min_coverage,
        }
    return build(
        Computation.Kind.DIVIDE,
        parameters=parameters,
        result=result,
        releases=releases,
        methodology="divides",
        methodology_version="1",
    )


def inequality(
    indicator: str,
    period: int,
    *,
    by: Sequence[str] = (),
    release: str | int | None = None,
) -> Computation:
    """Between-country inequality of ``indicator`` in ``period``, weighted by population: Gini, Theil T
    and L, coefficient of variation; with ``by`` (groups partitioning the economies, e.g. the four income
    groups), Theil T split into within- and between-group parts."""
    got = inputs.values([indicator], release=release)
    pop = inputs.population()
    data = (
        got.frame.filter(pl.col("period") == period)
        .select("economy", "value")
        .join(
            pop.frame.filter(pl.col("period") == period).select("economy", pl.col("value").alias("weight")),
            on="economy",
        )
        .sort("economy")
    )
    if data.is_empty():
        raise inputs.UnknownInput(f"no {indicator} figures with a population for {period}")
    x, w = data["value"].to_numpy(), data["weight"].to_numpy()
    result: dict[str, Any] = {
        "indicator": indicator,
        "period": period,
        "economies": data.height,
        "gini": ineq.gini(x, w),
        "theil_t": ineq.theil_t(x, w),
        "theil_l": ineq.theil_l(x, w) if (x > 0).all() else None,
        "cv": ineq.coefficient_of_variation(x, w),
    }
    groups = inputs.check_groups(by)
    if groups:
        pairs = groups_of_on(inputs.memberships(), groups, period_date(period))
        labelled = data.join(pairs, on="economy")
        twice = labelled.filter(pl.col("economy").is_duplicated())["economy"].unique().sort().to_list()
        if twice:
            raise MeasureInputError(f"the groups {', '.join(groups)} overlap: {', '.join(twice)} in two")
        parts = ineq.theil_decomposition(
            labelled["value"].to_numpy(), labelled["weight"].to_numpy(), labelled["group"].to_list(), "T"
        )
        result["theil_t_decomposition"] = {
            "economies": labelled.height,
            "total": parts.total,
            "within": parts.within,
            "between": parts.between,
            "groups": parts.groups,
        }
    return build(
        Computation.Kind.DIVIDE,
        parameters={
            "indicator": indicator,
            "period": period,
            "by": groups,
            "weights": inputs.POPULATION,
            "release": release,
        },
        result={"inequality": [result]},
        releases=[*got.releases, *pop.releases],
        methodology="divides/inequality",
        methodology_version="1",
    )


def _targets(codes: Sequence[str], framework: str | None) -> list[ConnectivityTarget]:
    qs = ConnectivityTarget.objects.all()
    if framework:
        qs = qs.filter(framework=framework)
    if codes:
        qs = qs.filter(code__in=list(codes))
        unknown = sorted(set(codes) - set(qs.values_list("code", flat=True)))
        if unknown:
            raise inputs.UnknownInput(f"no target {', '.join(unknown)} in the reference knowledge")
    found = list(qs)
    if not found:
        raise inputs.UnknownInput(f"no targets of framework {framework!r} in the reference knowledge")
    return found


def progress(
    *,
    targets: Sequence[str] = (),
    framework: str | None = None,
    economy: str | None = None,
    method: str = "open-sdg",
    impute: str = DEFAULT_IMPUTATION,
    min_coverage: float = 0.5,
    release: str | int | None = None,
) -> Computation:
    """Progress towards the connectivity targets of the reference knowledge (all, a ``framework``'s, or
    the ``targets`` named), for the target's group - its yearly aggregates, years below the minimum
    coverage left out - or for one ``economy``. Targets that cannot be assessed are listed with why."""
    if method not in METHODS:
        raise MeasureInputError(f"unknown progress method {method!r}; known: {', '.join(METHODS)}")
    chosen = _targets(targets, framework)
    if economy:
        economy = economy.upper()
        if not Economy.objects.filter(iso3=economy).exists():
            raise inputs.UnknownInput(f"no economy {economy!r} in the reference knowledge")
    known = set(inputs.known_groups())
    specs: list[ProgressSpec] = []
    skipped: list[dict[str, str]] = []
    series: list[pl.DataFrame] = []
    years_used: list[dict[str, Any]] = []
    releases: list[Any] = []
    for target in chosen:
        spec = spec_from_target(
            SimpleNamespace(
                code=target.code,
                indicator=target.indicator_id,
                threshold=target.threshold,
                direction=target.direction,
                target_year=target.target_year,
                base_year=target.base_year,
                framework=target.framework,
                group=target.group,
            ),
            economy,
        )
        reason = _not_assessable(spec, target, economy, known)
        if spec is None or reason:
            skipped.append({"code": target.code, "reason": reason or "qualitative target"})
            continue
        # A parity target is assessed on the women/men ratio: the F and M figures (or group aggregates)
        sexes = ("F", "M") if spec.direction == "parity" else (TOTAL,)
        found = {
            sex: inputs.values([spec.indicator], release=release, require=False, disaggregations=_by_sex(sex))
            for sex in sexes
        }
        empty = [sex for sex, got in found.items() if got.frame.is_empty()]
        if empty:
            what = "" if sexes == (TOTAL,) else f" for sex {', '.join(empty)}"
            skipped.append({"code": target.code, "reason": f"no observations of {spec.indicator}{what}"})
            continue
        specs.append(spec)
        for sex, got in found.items():
            if economy:
                frame = got.frame.filter(pl.col("economy") == economy).drop("nature")
                series.append(frame.with_columns(pl.lit(sex).alias("sex")))
                releases += got.releases_of(economy)
                continue
            releases += got.releases
            first, last = spec.base_year, int(got.frame["period"].max())
            aggregates, _, agg_releases = group_aggregates(
                spec.indicator,
                [spec.economy],
                list(range(first, last + 1)),
                kind=None,
                impute=impute,
                min_coverage=min_coverage,
                reported_only=False,
                release=release,
                breakdown=_by_sex(sex),
            )
            releases += agg_releases
            kept = [a for a in aggregates if a.value is not None]
            years_used += [
                {
                    "code": spec.code,
                    "group": a.group,
                    "sex": sex,
                    "period": a.period,
                    "value": a.value,
                    "status": a.status,
                    "imputed_share": a.imputed_share,
                }
                for a in aggregates
            ]
            series.append(
                pl.DataFrame(
                    [
                        {"economy": a.group, "indicator": a.indicator, "period": a.period, "value": a.value}
                        for a in kept
                    ],
                    schema={
                        "economy": pl.Utf8,
                        "indicator": pl.Utf8,
                        "period": pl.Int64,
                        "value": pl.Float64,
                    },
                ).with_columns(pl.lit(sex).alias("sex"))
            )
    result: dict[str, Any] = {"assessments": [], "needing_improvement": [], "roll_up": [], "skipped": skipped}
    if specs:
        values = pl.concat(series).unique(["economy", "indicator", "period", "sex"], keep="first")
        assessed, _ = assess_all(values, specs, method=method)  # type: ignore[arg-type]
        result["assessments"] = assessed.to_dicts()
        result["needing_improvement"] = needing_improvement(assessed).to_dicts()
        result["roll_up"] = roll_up(assessed, "goal").to_dicts()
    result["series"] = years_used
    return build(
        Computation.Kind.PROGRESS,
        parameters={
            "targets": sorted(t.code for t in chosen),
            "framework": framework,
            "economy": economy,
            "method": method,
            "imputation": impute,
            "min_coverage": min_coverage,
            "release": release,
            "parity": PARITY_NOTE,
        },
        result=result,
        releases=releases,
        methodology=f"progress/{method}",
        methodology_version=METHOD_VERSIONS[method],
    )


TOTAL = "_T"
#: How parity targets are assessed, said in every progress computation.
PARITY_NOTE = (
    "parity targets: the women/men ratio of the F and M figures; for a group, of the women's and the men's "
    "aggregates, each weighted by total population (the warehouse holds no population by sex)"
)


def _by_sex(sex: str) -> dict[str, str] | None:
    return None if sex == TOTAL else {"sex": sex}


def _not_assessable(
    spec: ProgressSpec | None, target: ConnectivityTarget, economy: str | None, known: set[str]
) -> str:
    if spec is None:
        return "qualitative target (no indicator or threshold)"
    if not economy and target.group not in known:
        return f"group {target.group} is not in the reference knowledge"
    return ""


def affordability(
    basket: str,
    periods: Sequence[int] = (),
    *,
    groups: Sequence[str] = (),
    threshold: float = afford.THRESHOLD,
    release: str | int | None = None,
) -> Computation:
    """Price of ``basket`` (USD a month) as % of monthly GNI per capita, and who meets the threshold."""
    groups = inputs.check_groups(groups)
    prices = inputs.values([basket], release=release)
    frame = prices.frame.filter(pl.col("period").is_in(list(periods))) if periods else prices.frame
    if frame.is_empty():
        raise inputs.UnknownInput(f"no {basket} prices for {', '.join(map(str, periods))}")
    gni = inputs.gni_per_capita()
    shares = afford.affordability(frame, gni.frame, threshold=threshold)
    result: dict[str, Any] = {"shares": shares.to_dicts()}
    if groups:
        result["by_group"] = afford.meeting_by_group(shares, inputs.memberships(), groups).to_dicts()
    return build(
        Computation.Kind.AFFORDABILITY,
        parameters={
            "basket": basket,
            "periods": list(periods),
            "groups": groups,
            "threshold": threshold,
            "gni": inputs.GNI_PER_CAPITA,
            "release": release,
        },
        result=result,
        releases=[*prices.releases, *gni.releases],
        methodology="affordability",
        methodology_version="1",
    )


def index(
    methodology: str,
    *,
    edition: int | None = None,
    groups: Sequence[str] = (),
    release: str | int | None = None,
) -> Computation:
    """Scores of a composite index (``idi-2024``) at every node, ranks and group means."""
    method = load_methodology(methodology)
    groups = inputs.check_groups(groups)
    indicators = [leaf.indicator for leaf in method.root.leaves()]
    got = inputs.values(indicators, release=release, require=False)
    if got.frame.is_empty():
        raise inputs.UnknownInput(f"no observations of any indicator of {method.name} in the warehouse")
    result_ = score(got.frame, method, edition=edition, releases=got.names)
    result = result_.to_dict()
    if groups:
        result["groups"] = result_.group_means(inputs.memberships(), groups).to_dicts()
    return build(
        Computation.Kind.INDEX,
        parameters={
            "methodology": method.name,
            "edition": result_.edition,
            "groups": groups,
            "release": release,
        },
        result=result,
        releases=got.releases,
        methodology=method.name,
        methodology_version=method.version,
    )
