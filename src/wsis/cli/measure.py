"""Command-line access to the measurement engine, working from files (CSV or Parquet).

Commands: ``index compute`` / ``index sensitivity`` / ``index structure``, ``aggregate``,
``divides gap`` / ``divides inequality`` / ``divides convergence``, ``progress`` and ``affordability``.
Every output carries its provenance (method and version, code version, the input releases given with
``--release``). Without ``--values`` (``--prices`` for affordability) a command reads the indicators
warehouse and the reference groups in the database instead (:mod:`wsis.apps.measure.domain`), stores the
computation and prints it with its provenance: input releases, methodology version, code version.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
import polars as pl

from wsis.engine.measure import affordability as afford
from wsis.engine.measure import convergence, inequality
from wsis.engine.measure.aggregates import aggregate as compute_aggregate
from wsis.engine.measure.divides import BANDS, divides
from wsis.engine.measure.imputation import GroupFallback, Method, NearestYear, Trend
from wsis.engine.measure.index import load_methodology, score
from wsis.engine.measure.index.methodology import MethodologyError
from wsis.engine.measure.index.uncertainty import MonteCarlo, uncertainty
from wsis.engine.measure.memberships import check_memberships, groups_of_on, period_date
from wsis.engine.measure.progress import METHODS, ProgressSpec, assess_all, needing_improvement, roll_up
from wsis.engine.measure.provenance import Provenance
from wsis.engine.measure.tidy import MeasureInputError, check_tidy, read_table

if TYPE_CHECKING:
    from wsis.apps.measure.models import Computation

FORMATS = click.Choice(["json", "csv", "table"])
FROM_RELEASE = click.option(
    "--from-release",
    default=None,
    help="Warehouse mode: the figures this release published (id or 'publisher: name'), not the latest.",
)


def _fail(exc: Exception) -> None:
    raise click.ClickException(str(exc)) from exc


def _emit(fmt: str, payload: dict[str, Any], table: pl.DataFrame, provenance: Provenance) -> None:
    """JSON: the whole payload; CSV: the table with provenance columns; table: the table then provenance."""
    if fmt == "json":
        click.echo(json.dumps({**payload, "provenance": provenance.to_dict()}, indent=2, default=str))
        return
    if fmt == "csv":
        prov = provenance.to_dict()
        out = table.with_columns(
            pl.lit(prov["method"]).alias("method"),
            pl.lit(prov["method_version"]).alias("method_version"),
            pl.lit(prov["code_version"]).alias("code_version"),
            pl.lit(";".join(prov["inputs"])).alias("inputs"),
        )
        click.echo(out.write_csv(), nl=False)
        return
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=80):
        click.echo(str(table))
    click.echo(f"provenance: {json.dumps(provenance.to_dict(), default=str)}")


def _warehouse(fmt: str, compute: Callable[[], Computation], table_key: str) -> None:
    """Run a computation on the warehouse, print its stored result with provenance; exit 3 if refused."""
    from wsis.cli.site import django_ready

    django_ready()
    from wsis.apps.measure.domain.inputs import UnknownInput
    from wsis.apps.measure.domain.store import answer
    from wsis.apps.warehouse.domain.query import QueryError

    try:
        payload = answer(compute())
    except (UnknownInput, QueryError, MeasureInputError, MethodologyError) as exc:
        _fail(exc)
    provenance = payload["provenance"]
    rows = payload.get(table_key) or []
    # One row per item; a nested mapping (an economy's scores by node) becomes columns of its own, except
    # an item's own provenance: the computation's is printed with the table.
    flat = [
        {
            **_plain(r),
            **{
                k: v
                for n, d in r.items()
                if isinstance(d, dict) and n != "provenance"
                for k, v in _plain(d).items()
            },
        }
        for r in rows
    ]
    table = pl.DataFrame(flat, infer_schema_length=None) if flat else pl.DataFrame()
    if fmt == "json":
        click.echo(json.dumps(payload, indent=2, default=str))
    elif fmt == "csv":
        out = table.with_columns(
            pl.lit(provenance["computation"]).alias("computation"),
            pl.lit(provenance["methodology"]).alias("methodology"),
            pl.lit(provenance["methodology_version"]).alias("methodology_version"),
            pl.lit(provenance["code_version"]).alias("code_version"),
            pl.lit(";".join(provenance["inputs"])).alias("inputs"),
        )
        click.echo(out.write_csv(), nl=False)
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=80):
            click.echo(str(table))
        click.echo(
            f"computation {provenance['computation']}: {provenance['methodology']} "
            f"{provenance['methodology_version']}, code {provenance['code_version']}"
        )
        click.echo(f"input releases: {'; '.join(provenance['inputs']) or 'none'}")
        for item in payload.get("skipped", []):
            click.echo(f"not assessed: {item['code']}: {item['reason']}", err=True)
    refused = [r for r in payload.get("aggregates", []) if r.get("status") != "ok"]
    for r in refused:
        click.echo(f"refused: {r['message']}", err=True)
    if refused and table_key == "aggregates":
        sys.exit(3)


def _plain(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if not isinstance(v, dict | list)}


def _read_values(path: str, default_period: int | None = None) -> pl.DataFrame:
    """A tidy file; a what-if file (``economy,indicator,value``, no period) gets ``default_period``."""
    frame = read_table(path)
    if "period" not in frame.columns:
        if default_period is None:
            raise MeasureInputError(f"{path}: no 'period' column")
        frame = frame.with_columns(pl.lit(default_period).alias("period"))
    return check_tidy(frame, source=path)


def _read_weights(path: str) -> pl.DataFrame:
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


def _parse_imputation(
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


# --- composite indices -----------------------------------------------------------------------------


@click.group("index")
def index() -> None:
    """Composite indices (ICT Development Index): scores, sensitivity, structure."""


@index.command("compute")
@click.option("--methodology", "methodology_name", default="idi-2024", show_default=True)
@click.option(
    "--values",
    "values_path",
    default=None,
    help="CSV/Parquet: economy,indicator,value[,period,nature] (default: the warehouse)",
)
@click.option("--edition", type=int, default=None, help="Edition year (default: the methodology's).")
@click.option(
    "--memberships", "memberships_path", default=None, help="group,economy,valid_from,valid_to file"
)
@click.option(
    "--group",
    "groups",
    multiple=True,
    help="Group means for these groups (with --values: needs --memberships).",
)
@click.option("--release", "releases", multiple=True, help="Name of an input release (provenance).")
@FROM_RELEASE
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def index_compute(
    methodology_name: str,
    values_path: str | None,
    edition: int | None,
    memberships_path: str | None,
    groups: tuple[str, ...],
    releases: tuple[str, ...],
    from_release: str | None,
    fmt: str,
) -> None:
    """Score economies from the warehouse, or from a file of values (what-if: ``economy,indicator,value``
    with ITU codes)."""
    if values_path is None:

        def run() -> Computation:
            from wsis.apps.measure.domain import compute

            return compute.index(methodology_name, edition=edition, groups=groups, release=from_release)

        _warehouse(fmt, run, "economies")
        return
    try:
        method = load_methodology(methodology_name)
        ed = edition if edition is not None else method.edition
        default_period = None if ed is None else ed - method.data.reference_offsets[0]
        result = score(_read_values(values_path, default_period), method, edition=ed, releases=releases)
        payload = result.to_dict()
        payload.pop("provenance")
        table = result.scores.join(result.ranks().select("economy", "rank"), on="economy").sort("rank")
        if groups:
            if not memberships_path:
                raise MeasureInputError("--group needs --memberships")
            means = result.group_means(
                check_memberships(read_table(memberships_path), memberships_path), groups
            )
            payload["groups"] = means.to_dicts()
            if fmt != "json":
                table = pl.concat(
                    [table, means.rename({"group": "economy"}).drop("economies")], how="diagonal"
                )
    except (MeasureInputError, MethodologyError) as exc:
        _fail(exc)
    _emit(fmt, payload, table, result.provenance)
    if result.excluded.height and fmt == "table":
        for row in result.excluded.iter_rows(named=True):
            click.echo(f"not scored: {row['economy']}: {row['reason']}", err=True)


@index.command("sensitivity")
@click.option("--methodology", "methodology_name", default="idi-2024", show_default=True)
@click.option("--values", "values_path", required=True)
@click.option("--edition", type=int, default=None)
@click.option("--runs", type=int, default=500, show_default=True)
@click.option("--goalpost-jitter", type=float, default=0.10, show_default=True)
@click.option("--weight-jitter", type=float, default=0.20, show_default=True)
@click.option("--seed", type=int, default=2024, show_default=True)
@click.option("--release", "releases", multiple=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def index_sensitivity(
    methodology_name: str,
    values_path: str,
    edition: int | None,
    runs: int,
    goalpost_jitter: float,
    weight_jitter: float,
    seed: int,
    releases: tuple[str, ...],
    fmt: str,
) -> None:
    """Monte Carlo over goalposts, weights and imputation choices: each economy's rank interval."""
    try:
        method = load_methodology(methodology_name)
        ed = edition if edition is not None else method.edition
        default_period = None if ed is None else ed - method.data.reference_offsets[0]
        settings = MonteCarlo(
            runs=runs, goalpost_jitter=goalpost_jitter, weight_jitter=weight_jitter, seed=seed
        )
        result = uncertainty(_read_values(values_path, default_period), method, edition=ed, settings=settings)
    except (MeasureInputError, MethodologyError) as exc:
        _fail(exc)
    provenance = Provenance(
        f"{method.name}/monte-carlo",
        method.version,
        tuple(releases),
        {"runs": runs, "goalpost_jitter": goalpost_jitter, "weight_jitter": weight_jitter, "seed": seed},
    )
    if fmt == "table":
        click.echo(result.table())
        click.echo(str(result.sensitivity))
        click.echo(f"provenance: {json.dumps(provenance.to_dict())}")
        return
    payload = {"intervals": result.intervals.to_dicts(), "sensitivity": result.sensitivity.to_dicts()}
    _emit(fmt, payload, result.intervals, provenance)


@index.command("structure")
@click.option("--methodology", "methodology_name", default="idi-2024", show_default=True)
def index_structure(methodology_name: str) -> None:
    """Print the methodology's tree with weights and goalposts."""
    try:
        method = load_methodology(methodology_name)
    except MethodologyError as exc:
        _fail(exc)
    click.echo(f"{method.name} v{method.version}: {method.title}")

    def show(node: Any, depth: int) -> None:
        extra = (
            f" [{node.direction}, threshold {node.threshold}, goalpost {node.goalpost}, {node.transform}]"
            if node.is_leaf
            else f" ({node.aggregation})"
        )
        click.echo(f"{'  ' * depth}{node.code} w={node.weight:g}{extra}")
        for child in node.children:
            show(child, depth + 1)

    show(method.root, 1)


# --- aggregates ------------------------------------------------------------------------------------


@click.command("aggregate")
@click.option(
    "--values",
    "values_path",
    default=None,
    help="Tidy CSV/Parquet: economy,indicator,period,value[,nature] (default: the warehouse)",
)
@click.option("--indicator", required=True)
@click.option("--group", "groups", required=True, multiple=True)
@click.option("--period", "periods", type=int, required=True, multiple=True)
@click.option(
    "--memberships",
    "memberships_path",
    default=None,
    help="group,economy,valid_from,valid_to (required with --values; else the reference groups, WLD = all)",
)
@click.option(
    "--weights", "weights_path", default=None, help="economy,period,value (population or households)"
)
@click.option(
    "--kind",
    type=click.Choice(["people", "households", "count", "index"]),
    default=None,
    help="Default: people with --values; from the warehouse, what the indicator catalogue says.",
)
@click.option("--impute", default="nearest:3", show_default=True, help="Chain, e.g. trend:5,nearest:3,group")
@click.option(
    "--fallback-groups", default=None, help="Memberships file of the groups used by 'group' imputation"
)
@click.option("--min-coverage", type=float, default=0.5, show_default=True)
@click.option("--reported-only", is_flag=True, help="Publisher estimates do not count towards coverage.")
@click.option("--detail", is_flag=True, help="JSON: add each member's figure and its source.")
@click.option("--release", "releases", multiple=True)
@FROM_RELEASE
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def aggregate(
    values_path: str | None,
    indicator: str,
    groups: tuple[str, ...],
    periods: tuple[int, ...],
    memberships_path: str | None,
    weights_path: str | None,
    kind: str | None,
    impute: str,
    fallback_groups: str | None,
    min_coverage: float,
    reported_only: bool,
    detail: bool,
    releases: tuple[str, ...],
    from_release: str | None,
    fmt: str,
) -> None:
    """Group aggregate(s) of an indicator, with imputed shares; refused below the minimum coverage.

    Without --values: the warehouse's latest figures (or --from-release), World Bank population as
    weights, the reference groups (WLD = every economy of the reference knowledge), 'group' imputation
    falling back on ITU regions."""
    if values_path is None:

        def run() -> Computation:
            from wsis.apps.measure.domain import compute

            return compute.aggregate(
                indicator,
                groups,
                periods,
                kind=kind,
                impute=impute,
                min_coverage=min_coverage,
                reported_only=reported_only,
                release=from_release,
                detail=detail,
            )

        _warehouse(fmt, run, "aggregates")
        return
    kind = kind or "people"
    try:
        if memberships_path is None:
            raise MeasureInputError("--memberships is required with --values")
        values = _read_values(values_path)
        memberships = check_memberships(read_table(memberships_path), memberships_path)
        weights = _read_weights(weights_path) if weights_path else None
        fallback = (
            check_memberships(read_table(fallback_groups), fallback_groups) if fallback_groups else None
        )
        chain = _parse_imputation(impute, fallback, None if kind == "count" else (0.0, 100.0))
        results = [
            compute_aggregate(
                values,
                indicator=indicator,
                group=g,
                period=p,
                memberships=memberships,
                kind=kind,  # type: ignore[arg-type]
                weights=weights,
                imputation=chain,
                min_coverage=min_coverage,
                estimates_count_as_coverage=not reported_only,
                releases=releases,
            )
            for g in groups
            for p in periods
        ]
    except MeasureInputError as exc:
        _fail(exc)
    rows = [r.to_dict(detail=detail) for r in results]
    table = pl.DataFrame(
        [
            {k: v for k, v in r.items() if k not in ("provenance", "unweighted", "members_detail")}
            for r in rows
        ]
    )
    _emit(fmt, {"aggregates": rows}, table, results[0].provenance)
    refused = [r for r in results if r.status != "ok"]
    for r in refused:
        click.echo(f"refused: {r.message}", err=True)
    if refused:
        sys.exit(3)


# --- divides ---------------------------------------------------------------------------------------


@click.group("divides")
def divides_group() -> None:
    """Digital divides: gaps and parity, between-country inequality, convergence."""


@divides_group.command("gap")
@click.option(
    "--values",
    "values_path",
    default=None,
    help="Wide CSV/Parquet: one row per economy (and period) (default: the warehouse)",
)
@click.option("--disadvantaged", default=None, help="With --values: column of the disadvantaged rate")
@click.option("--advantaged", default=None, help="With --values: column of the advantaged rate")
@click.option("--population", default=None, help="With --values: column of the disadvantaged population")
@click.option("--indicator", default=None, help="Warehouse: the indicator (e.g. i99H)")
@click.option("--period", type=int, default=None, help="Warehouse: the year")
@click.option(
    "--by",
    type=click.Choice(["sex", "urbanisation"]),
    default="sex",
    show_default=True,
    help="Warehouse: women/men or rural/urban",
)
@click.option("--bands", type=click.Choice(sorted(BANDS)), default="itu", show_default=True)
@click.option("--release", "releases", multiple=True)
@FROM_RELEASE
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def divides_gap(
    values_path: str | None,
    disadvantaged: str | None,
    advantaged: str | None,
    population: str | None,
    indicator: str | None,
    period: int | None,
    by: str,
    bands: str,
    releases: tuple[str, ...],
    from_release: str | None,
    fmt: str,
) -> None:
    """Ratio (parity score), band, percentage-point gap and the people behind it."""
    if values_path is None:
        if indicator is None or period is None:
            raise click.UsageError("without --values, give --indicator and --period (and --by)")

        def run() -> Computation:
            from wsis.apps.measure.domain import compute

            return compute.divides(indicator, period, by=by, bands=bands, release=from_release)

        _warehouse(fmt, run, "divides")
        return
    if disadvantaged is None or advantaged is None:
        raise click.UsageError("with --values, give --disadvantaged and --advantaged columns")
    try:
        frame = read_table(values_path)
        numeric = [c for c in (disadvantaged, advantaged, population) if c]
        frame = frame.with_columns(
            pl.col(c).cast(pl.Float64, strict=False) for c in numeric if c in frame.columns
        )
        out = divides(
            frame, disadvantaged=disadvantaged, advantaged=advantaged, population=population, bands=bands
        )
    except MeasureInputError as exc:
        _fail(exc)
    provenance = Provenance("divides/gap", "1", releases, {"bands": bands})
    _emit(fmt, {"divides": out.to_dicts()}, out, provenance)


@divides_group.command("compare")
@click.option("--indicator", required=True)
@click.option("--period", type=int, required=True)
@click.option("--group", "groups", required=True, multiple=True, help="e.g. LDC, LLDC, SIDS, LIC")
@click.option("--reference", default="WLD", show_default=True)
@click.option("--min-coverage", type=float, default=0.5, show_default=True)
@FROM_RELEASE
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def divides_compare(
    indicator: str,
    period: int,
    groups: tuple[str, ...],
    reference: str,
    min_coverage: float,
    from_release: str | None,
    fmt: str,
) -> None:
    """Warehouse: each group's aggregate against the reference group's (ratio and gap)."""

    def run() -> Computation:
        from wsis.apps.measure.domain import compute

        return compute.divides(
            indicator,
            period,
            by=None,
            groups=groups,
            reference=reference,
            min_coverage=min_coverage,
            release=from_release,
        )

    _warehouse(fmt, run, "comparison")


@divides_group.command("inequality")
@click.option("--values", "values_path", default=None, help="Tidy CSV/Parquet (default: the warehouse)")
@click.option("--indicator", required=True)
@click.option("--period", type=int, required=True)
@click.option("--weights", "weights_path", default=None, help="economy,period,value (population)")
@click.option("--memberships", "memberships_path", default=None, help="Grouping for the Theil decomposition")
@click.option("--by", "by_groups", multiple=True, help="Groups of the decomposition (one per economy)")
@click.option("--release", "releases", multiple=True)
@FROM_RELEASE
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def divides_inequality(
    values_path: str | None,
    indicator: str,
    period: int,
    weights_path: str | None,
    memberships_path: str | None,
    by_groups: tuple[str, ...],
    releases: tuple[str, ...],
    from_release: str | None,
    fmt: str,
) -> None:
    """Population-weighted Gini, Theil T and L, coefficient of variation; Theil within/between split.

    Without --values: the warehouse, World Bank population, and --by groups of the reference knowledge."""
    if values_path is None:

        def run() -> Computation:
            from wsis.apps.measure.domain import compute

            return compute.inequality(indicator, period, by=by_groups, release=from_release)

        _warehouse(fmt, run, "inequality")
        return
    try:
        values = _read_values(values_path).filter(
            (pl.col("indicator") == indicator) & (pl.col("period") == period)
        )
        data = values.select("economy", "value")
        if weights_path:
            pop = _read_weights(weights_path).filter(pl.col("period") == period)
            data = data.join(pop.select("economy", pl.col("value").alias("weight")), on="economy")
        else:
            data = data.with_columns(pl.lit(1.0).alias("weight"))
        if data.height == 0:
            raise MeasureInputError(f"no data for {indicator} in {period}")
        x, w = data["value"].to_numpy(), data["weight"].to_numpy()
        result: dict[str, Any] = {
            "indicator": indicator,
            "period": period,
            "economies": data.height,
            "gini": inequality.gini(x, w),
            "theil_t": inequality.theil_t(x, w),
            "theil_l": inequality.theil_l(x, w) if (x > 0).all() else None,
            "cv": inequality.coefficient_of_variation(x, w),
        }
        if memberships_path and by_groups:
            pairs = groups_of_on(
                check_memberships(read_table(memberships_path)), by_groups, period_date(period)
            )
            labelled = data.join(pairs, on="economy")
            if labelled["economy"].is_duplicated().any():
                raise MeasureInputError("--by groups overlap: an economy is in two of them")
            d = inequality.theil_decomposition(
                labelled["value"].to_numpy(), labelled["weight"].to_numpy(), labelled["group"].to_list(), "T"
            )
            result["theil_t_decomposition"] = {
                "total": d.total,
                "within": d.within,
                "between": d.between,
                "groups": d.groups,
            }
    except (MeasureInputError, ValueError) as exc:
        _fail(exc)
    provenance = Provenance("divides/inequality", "1", releases, {"weighted": bool(weights_path)})
    flat = {k: v for k, v in result.items() if not isinstance(v, dict)}
    if "theil_t_decomposition" in result:
        flat["theil_t_within"] = result["theil_t_decomposition"]["within"]
        flat["theil_t_between"] = result["theil_t_decomposition"]["between"]
    _emit(fmt, result, pl.DataFrame([flat]), provenance)


@divides_group.command("convergence")
@click.option("--values", "values_path", required=True)
@click.option("--indicator", required=True)
@click.option("--start", type=int, required=True)
@click.option("--end", type=int, required=True)
@click.option("--release", "releases", multiple=True)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def divides_convergence(
    values_path: str, indicator: str, start: int, end: int, releases: tuple[str, ...], fmt: str
) -> None:
    """Sigma convergence (trend of the coefficient of variation) and beta convergence between two years."""
    try:
        values = _read_values(values_path).filter(
            (pl.col("indicator") == indicator) & pl.col("period").is_between(start, end)
        )
        sigma = convergence.sigma_convergence(values)
        beta = convergence.beta_convergence(values, start, end)
    except (MeasureInputError, ValueError) as exc:
        _fail(exc)
    payload = {
        "sigma": {
            "dispersion": sigma.dispersion.to_dicts(),
            "slope": sigma.trend.slope,
            "p_value": sigma.trend.p_value,
            "converging": sigma.converging,
        },
        "beta": beta.__dict__,
    }
    provenance = Provenance("divides/convergence", "1", releases, {"start": start, "end": end})
    _emit(fmt, payload, sigma.dispersion, provenance)


# --- progress --------------------------------------------------------------------------------------


@click.command("progress")
@click.option("--values", "values_path", default=None, help="Tidy CSV/Parquet (default: the warehouse)")
@click.option(
    "--specs",
    "specs_path",
    default=None,
    help="With --values, CSV: code,indicator,economy,direction[,target,target_year,base_year,limit,...]",
)
@click.option("--method", type=click.Choice(METHODS), default="open-sdg", show_default=True)
@click.option("--level", default=None, help="Also roll scores up to this column (group or goal).")
@click.option("--target", "targets", multiple=True, help="Warehouse: a target code (default: all)")
@click.option("--framework", default=None, help="Warehouse: the targets of one framework (BBC2025, SDG...)")
@click.option("--economy", default=None, help="Warehouse: assess for this economy instead of the group")
@click.option("--impute", default="nearest:3", show_default=True, help="Warehouse: for the group series")
@click.option("--min-coverage", type=float, default=0.5, show_default=True)
@click.option("--release", "releases", multiple=True)
@FROM_RELEASE
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def progress(
    values_path: str | None,
    specs_path: str | None,
    method: str,
    level: str | None,
    targets: tuple[str, ...],
    framework: str | None,
    economy: str | None,
    impute: str,
    min_coverage: float,
    releases: tuple[str, ...],
    from_release: str | None,
    fmt: str,
) -> None:
    """Progress assessment of each spec, roll-up, and the ranked list of items needing improvement.

    Without --values: the connectivity targets of the reference knowledge, assessed on the warehouse for
    their group's yearly aggregates (or for --economy)."""
    if values_path is None:

        def run() -> Computation:
            from wsis.apps.measure.domain import compute

            return compute.progress(
                targets=targets,
                framework=framework,
                economy=economy,
                method=method,
                impute=impute,
                min_coverage=min_coverage,
                release=from_release,
            )

        _warehouse(fmt, run, "assessments")
        return
    try:
        if specs_path is None:
            raise MeasureInputError("--specs is required with --values")
        values = _read_values(values_path)
        specs = _read_specs(specs_path)
        assessed, provenance = assess_all(values, specs, method=method, releases=releases)  # type: ignore[arg-type]
        worst = needing_improvement(assessed)
        payload: dict[str, Any] = {
            "assessments": assessed.to_dicts(),
            "needing_improvement": worst.to_dicts(),
        }
        if level:
            payload["roll_up"] = roll_up(assessed, level).to_dicts()
    except MeasureInputError as exc:
        _fail(exc)
    _emit(fmt, payload, assessed.select("code", "economy", "status", "score", "progress_value"), provenance)


def _read_specs(path: str) -> list[ProgressSpec]:
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


# --- affordability ---------------------------------------------------------------------------------


@click.command("affordability")
@click.option(
    "--prices",
    "prices_path",
    default=None,
    help="Tidy: economy,indicator (basket),period,value (USD/month) (default: the warehouse)",
)
@click.option("--gni", "gni_path", default=None, help="economy,period,value (GNI per capita, Atlas USD)")
@click.option("--memberships", "memberships_path", default=None)
@click.option(
    "--group", "groups", multiple=True, help="Count economies meeting the threshold in these groups"
)
@click.option("--basket", default=None, help="Warehouse: the price series, USD a month (e.g. i154_FBB5$)")
@click.option("--period", "periods", type=int, multiple=True, help="Warehouse: years (default: all)")
@click.option("--threshold", type=float, default=afford.THRESHOLD, show_default=True)
@click.option("--release", "releases", multiple=True)
@FROM_RELEASE
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def affordability(
    prices_path: str | None,
    gni_path: str | None,
    memberships_path: str | None,
    groups: tuple[str, ...],
    basket: str | None,
    periods: tuple[int, ...],
    threshold: float,
    releases: tuple[str, ...],
    from_release: str | None,
    fmt: str,
) -> None:
    """Price as % of monthly GNI per capita, and how many economies meet the threshold.

    Without --prices: the --basket's prices from the warehouse and World Bank GNI per capita."""
    if prices_path is None:
        if basket is None:
            raise click.UsageError("without --prices, give --basket (a price series in USD a month)")

        def run() -> Computation:
            from wsis.apps.measure.domain import compute

            return compute.affordability(
                basket, periods, groups=groups, threshold=threshold, release=from_release
            )

        _warehouse(fmt, run, "by_group" if groups else "shares")
        return
    if gni_path is None:
        raise click.UsageError("--gni is required with --prices")
    try:
        shares = afford.affordability(_read_values(prices_path), _read_weights(gni_path), threshold=threshold)
        payload: dict[str, Any] = {"shares": shares.to_dicts()}
        table = shares
        if groups:
            if not memberships_path:
                raise MeasureInputError("--group needs --memberships")
            counts = afford.meeting_by_group(shares, check_memberships(read_table(memberships_path)), groups)
            payload["by_group"] = counts.to_dicts()
            table = counts
    except MeasureInputError as exc:
        _fail(exc)
    _emit(fmt, payload, table, Provenance("affordability", "1", releases, {"threshold": threshold}))


COMMANDS: tuple[click.Command, ...] = (index, aggregate, divides_group, progress, affordability)


def register(main: click.Group) -> None:
    """Add the measurement commands to the ``wsis`` command group."""
    for command in COMMANDS:
        main.add_command(command)


if __name__ == "__main__":  # pragma: no cover - for running without the wsis entry point

    @click.group()
    def _main() -> None:
        pass

    register(_main)
    _main()
