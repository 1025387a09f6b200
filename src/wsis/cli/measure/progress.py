"""``wsis progress``: progress towards targets, roll-up and the items needing improvement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from wsis.cli.measure import options
from wsis.cli.measure.files import read_specs, read_values
from wsis.cli.measure.output import emit, fail, warehouse
from wsis.engine.measure.progress import assess_all, needing_improvement, roll_up
from wsis.engine.measure.tidy import MeasureInputError

if TYPE_CHECKING:
    from wsis.apps.measure.models import Computation


@click.command("progress")
@options.values("Tidy CSV/Parquet (default: the warehouse)")
@click.option(
    "--specs",
    "specs_path",
    default=None,
    help="With --values, CSV: code,indicator,economy,direction[,target,target_year,base_year,limit,...]",
)
@click.option(
    "--method", type=click.Choice(list(options.PROGRESS_METHODS)), default="open-sdg", show_default=True
)
@click.option("--level", default=None, help="Also roll scores up to this column (group or goal).")
@click.option("--target", "targets", multiple=True, help="Warehouse: a target code (default: all)")
@click.option("--framework", default=None, help="Warehouse: the targets of one framework (BBC2025, SDG...)")
@click.option("--economy", default=None, help="Warehouse: assess for this economy instead of the group")
@click.option("--impute", default="nearest:3", show_default=True, help="Warehouse: for the group series")
@options.min_coverage
@options.releases()
@options.from_release
@options.output_format
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

        warehouse(fmt, run, "assessments")
        return
    try:
        if specs_path is None:
            raise MeasureInputError("--specs is required with --values")
        values = read_values(values_path)
        specs = read_specs(specs_path)
        assessed, provenance = assess_all(
            values,
            specs,
            method=options.parse_choice(method, options.PROGRESS_METHODS, "--method"),
            releases=releases,
        )
        worst = needing_improvement(assessed)
        payload: dict[str, Any] = {
            "assessments": assessed.to_dicts(),
            "needing_improvement": worst.to_dicts(),
        }
        if level:
            payload["roll_up"] = roll_up(assessed, level).to_dicts()
    except MeasureInputError as exc:
        fail(exc)
    emit(fmt, payload, assessed.select("code", "economy", "status", "score", "progress_value"), provenance)
