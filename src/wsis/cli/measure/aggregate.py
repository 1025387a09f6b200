"""``wsis aggregate``: group aggregates of an indicator, with imputed shares and the minimum coverage."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click
import polars as pl

from wsis.cli.measure import options
from wsis.cli.measure.files import parse_imputation, read_values, read_weights
from wsis.cli.measure.output import emit, fail, warehouse
from wsis.engine.measure.aggregates import aggregate as compute_aggregate
from wsis.engine.measure.memberships import check_memberships
from wsis.engine.measure.tidy import MeasureInputError, read_table

if TYPE_CHECKING:
    from wsis.apps.measure.models import Computation


@click.command("aggregate")
@options.values("Tidy CSV/Parquet: economy,indicator,period,value[,nature] (default: the warehouse)")
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
    type=click.Choice(list(options.KINDS)),
    default=None,
    help="Default: people with --values; from the warehouse, what the indicator catalogue says.",
)
@click.option("--impute", default="nearest:3", show_default=True, help="Chain, e.g. trend:5,nearest:3,group")
@click.option(
    "--fallback-groups", default=None, help="Memberships file of the groups used by 'group' imputation"
)
@options.min_coverage
@click.option("--reported-only", is_flag=True, help="Publisher estimates do not count towards coverage.")
@click.option("--detail", is_flag=True, help="JSON: add each member's figure and its source.")
@options.releases()
@options.from_release
@options.output_format
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

        warehouse(fmt, run, "aggregates")
        return
    chosen = options.parse_choice(kind or "people", options.KINDS, "--kind")
    try:
        if memberships_path is None:
            raise MeasureInputError("--memberships is required with --values")
        values = read_values(values_path)
        memberships = check_memberships(read_table(memberships_path), memberships_path)
        weights = read_weights(weights_path) if weights_path else None
        fallback = (
            check_memberships(read_table(fallback_groups), fallback_groups) if fallback_groups else None
        )
        chain = parse_imputation(impute, fallback, None if chosen == "count" else (0.0, 100.0))
        results = [
            compute_aggregate(
                values,
                indicator=indicator,
                group=g,
                period=p,
                memberships=memberships,
                kind=chosen,
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
        fail(exc)
    rows = [r.to_dict(detail=detail) for r in results]
    table = pl.DataFrame(
        [
            {k: v for k, v in r.items() if k not in ("provenance", "unweighted", "members_detail")}
            for r in rows
        ]
    )
    emit(fmt, {"aggregates": rows}, table, results[0].provenance)
    refused = [r for r in results if r.status != "ok"]
    for r in refused:
        click.echo(f"refused: {r.message}", err=True)
    if refused:
        sys.exit(3)
