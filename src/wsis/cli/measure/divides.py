"""``wsis divides``: gaps and parity, group comparisons, between-country inequality, convergence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
import polars as pl

from wsis.cli.measure import options
from wsis.cli.measure.files import read_values, read_weights
from wsis.cli.measure.output import emit, fail, warehouse
from wsis.engine.measure import convergence, inequality
from wsis.engine.measure.divides import BANDS, divides
from wsis.engine.measure.memberships import check_memberships, groups_of_on, period_date
from wsis.engine.measure.provenance import Provenance
from wsis.engine.measure.tidy import MeasureInputError, read_table

if TYPE_CHECKING:
    from wsis.apps.measure.models import Computation


@click.group("divides")
def divides_group() -> None:
    """Digital divides: gaps and parity, between-country inequality, convergence."""


@divides_group.command("gap")
@options.values("Wide CSV/Parquet: one row per economy (and period) (default: the warehouse)")
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
@options.releases()
@options.from_release
@options.output_format
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

        warehouse(fmt, run, "divides")
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
        fail(exc)
    provenance = Provenance("divides/gap", "1", releases, {"bands": bands})
    emit(fmt, {"divides": out.to_dicts()}, out, provenance)


@divides_group.command("compare")
@click.option("--indicator", required=True)
@click.option("--period", type=int, required=True)
@click.option("--group", "groups", required=True, multiple=True, help="e.g. LDC, LLDC, SIDS, LIC")
@click.option("--reference", default="WLD", show_default=True)
@options.min_coverage
@options.from_release
@options.output_format
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

    warehouse(fmt, run, "comparison")


@divides_group.command("inequality")
@options.values("Tidy CSV/Parquet (default: the warehouse)")
@click.option("--indicator", required=True)
@click.option("--period", type=int, required=True)
@click.option("--weights", "weights_path", default=None, help="economy,period,value (population)")
@click.option("--memberships", "memberships_path", default=None, help="Grouping for the Theil decomposition")
@click.option("--by", "by_groups", multiple=True, help="Groups of the decomposition (one per economy)")
@options.releases()
@options.from_release
@options.output_format
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

        warehouse(fmt, run, "inequality")
        return
    try:
        values = read_values(values_path).filter(
            (pl.col("indicator") == indicator) & (pl.col("period") == period)
        )
        data = values.select("economy", "value")
        if weights_path:
            pop = read_weights(weights_path).filter(pl.col("period") == period)
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
        fail(exc)
    provenance = Provenance("divides/inequality", "1", releases, {"weighted": bool(weights_path)})
    flat = {k: v for k, v in result.items() if not isinstance(v, dict)}
    if "theil_t_decomposition" in result:
        flat["theil_t_within"] = result["theil_t_decomposition"]["within"]
        flat["theil_t_between"] = result["theil_t_decomposition"]["between"]
    emit(fmt, result, pl.DataFrame([flat]), provenance)


@divides_group.command("convergence")
@options.values(required=True)
@click.option("--indicator", required=True)
@click.option("--start", type=int, required=True)
@click.option("--end", type=int, required=True)
@options.releases()
@options.output_format
def divides_convergence(
    values_path: str, indicator: str, start: int, end: int, releases: tuple[str, ...], fmt: str
) -> None:
    """Sigma convergence (trend of the coefficient of variation) and beta convergence between two years."""
    try:
        values = read_values(values_path).filter(
            (pl.col("indicator") == indicator) & pl.col("period").is_between(start, end)
        )
        sigma = convergence.sigma_convergence(values)
        beta = convergence.beta_convergence(values, start, end)
    except (MeasureInputError, ValueError) as exc:
        fail(exc)
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
    emit(fmt, payload, sigma.dispersion, provenance)
