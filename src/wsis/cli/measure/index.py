"""``wsis index``: composite indices - scores (from the warehouse or a what-if file), sensitivity, tree."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click
import polars as pl

from wsis.cli.measure import options
from wsis.cli.measure.files import read_values
from wsis.cli.measure.output import emit, fail, warehouse
from wsis.engine.measure.index import Methodology, Node, load_methodology, score
from wsis.engine.measure.index.methodology import MethodologyError
from wsis.engine.measure.index.uncertainty import MonteCarlo, uncertainty
from wsis.engine.measure.memberships import check_memberships
from wsis.engine.measure.provenance import Provenance
from wsis.engine.measure.tidy import MeasureInputError, read_table

if TYPE_CHECKING:
    from wsis.apps.measure.models import Computation

VALUES_HELP = "CSV/Parquet: economy,indicator,value[,period,nature] (default: the warehouse)"


@click.group("index")
def index() -> None:
    """Composite indices (ICT Development Index): scores, sensitivity, structure."""


def _what_if_values(path: str, method: Methodology, edition: int | None) -> tuple[int | None, pl.DataFrame]:
    """The edition scored and the file's values; a file without periods holds the edition's reference
    year (what-if: ``economy,indicator,value`` with ITU codes)."""
    ed = edition if edition is not None else method.edition
    default_period = None if ed is None else ed - method.data.reference_offsets[0]
    return ed, read_values(path, default_period)


@index.command("compute")
@options.methodology
@options.values(VALUES_HELP)
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
@options.releases("Name of an input release (provenance).")
@options.from_release
@options.output_format
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
            from wsis.apps.measure.domain import compute, inputs

            try:
                method = load_methodology(methodology_name)
            except MethodologyError as exc:
                fail(exc)
            try:
                computation = compute.index(
                    methodology_name, edition=edition, groups=groups, release=from_release
                )
            except inputs.UnknownInput as exc:
                raise inputs.UnknownInput(f"{exc}; {method.name} needs {_codes(method)}") from exc
            if not computation.result.get("economies"):
                # An empty table with exit 0 would read as "computed, nothing to show": say what is missing.
                raise inputs.UnknownInput(_missing_inputs(method, computation.result, from_release))
            return computation

        warehouse(fmt, run, "economies")
        return
    try:
        method = load_methodology(methodology_name)
        ed, values = _what_if_values(values_path, method, edition)
        result = score(values, method, edition=ed, releases=releases)
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
        fail(exc)
    emit(fmt, payload, table, result.provenance)
    if result.excluded.height and fmt == "table":
        for row in result.excluded.iter_rows(named=True):
            click.echo(f"not scored: {row['economy']}: {row['reason']}", err=True)


def _codes(method: Methodology) -> str:
    return ", ".join(leaf.indicator for leaf in method.root.leaves())


def _missing_inputs(method: Methodology, result: dict[str, object], release: str | None) -> str:
    """Why an edition scored no economy: per indicator, how many of the economies considered have no
    official figure for the reference years (the index counts only official figures towards eligibility)."""
    from wsis.apps.measure.domain import inputs
    from wsis.engine.measure.index.selection import select_values
    from wsis.reference.loader import knowledge

    edition = int(str(result["edition"]))
    excluded = result.get("excluded")
    economies = {str(row["economy"]) for row in excluded} if isinstance(excluded, list) else set()
    indicators = [leaf.indicator for leaf in method.root.leaves()]
    frame = inputs.values(indicators, release=release, require=False).frame
    official = select_values(frame, method, edition).filter(pl.col("official"))
    years = " or ".join(str(edition - offset) for offset in method.data.reference_offsets)
    names = knowledge().indicators
    lines = [
        f"{method.name} edition {edition} scored no economy: each needs official figures for at least "
        f"{method.data.min_official} of its {len(indicators)} indicators ({years}).",
        f"Missing inputs (economies without an official figure, of {len(economies)} considered):",
    ]
    for code in indicators:
        held = set(official.filter(pl.col("indicator") == code)["economy"].to_list())
        lacking = len(economies - held)
        if not lacking:
            continue
        name = names[code].name.en if code in names else code
        if frame.filter(pl.col("indicator") == code).is_empty():
            lines.append(f"  {code} ({name}): not in the warehouse")
        else:
            lines.append(f"  {code} ({name}): {lacking} of {len(economies)} economies lack it")
    lines.append(
        "Import the missing series (e.g. `wsis fetch itu CODE` or `wsis import FILE`), or score a file of "
        "values with --values FILE."
    )
    return "\n".join(lines)


@index.command("sensitivity")
@options.methodology
@options.values(required=True)
@click.option("--edition", type=int, default=None)
@click.option("--runs", type=int, default=500, show_default=True)
@click.option("--goalpost-jitter", type=float, default=0.10, show_default=True)
@click.option("--weight-jitter", type=float, default=0.20, show_default=True)
@click.option("--seed", type=int, default=2024, show_default=True)
@options.releases()
@options.output_format
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
        ed, values = _what_if_values(values_path, method, edition)
        settings = MonteCarlo(
            runs=runs, goalpost_jitter=goalpost_jitter, weight_jitter=weight_jitter, seed=seed
        )
        result = uncertainty(values, method, edition=ed, settings=settings)
    except (MeasureInputError, MethodologyError) as exc:
        fail(exc)
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
    emit(fmt, payload, result.intervals, provenance)


@index.command("structure")
@options.methodology
def index_structure(methodology_name: str) -> None:
    """Print the methodology's tree with weights and goalposts."""
    try:
        method = load_methodology(methodology_name)
    except MethodologyError as exc:
        fail(exc)
    click.echo(f"{method.name} v{method.version}: {method.title}")

    def show(node: Node, depth: int) -> None:
        extra = (
            f" [{node.direction}, threshold {node.threshold}, goalpost {node.goalpost}, {node.transform}]"
            if node.is_leaf
            else f" ({node.aggregation})"
        )
        click.echo(f"{'  ' * depth}{node.code} w={node.weight:g}{extra}")
        for child in node.children:
            show(child, depth + 1)

    show(method.root, 1)
