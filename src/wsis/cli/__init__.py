"""The ``wsis`` command. Each subcommand family lives in its own module and is registered here."""

from __future__ import annotations

import click

from wsis import __version__
from wsis.cli.errors import CommandGroup
from wsis.cli.reference import reference
from wsis.cli.site import manage, serve, setup
from wsis.cli.warehouse import register as register_warehouse


@click.group(cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wsis")
def main() -> None:
    """WSIS Observatory: stocktaking, prizes, ICT indicators and measurement for the WSIS follow-up.

    The database comes from WSIS_DATABASE_URL (unset: SQLite in the per-user data folder).
    """


main.add_command(reference)
main.add_command(setup)
main.add_command(serve)
main.add_command(manage)
register_warehouse(main)

# Measurement (issue 6): index, aggregate, divides, progress, affordability; household survey estimation
# (issue 3): wsis survey. Imported when used (wsis.cli.lazy): they bring scipy and the survey engine.
for _name, _target in {
    "index": "wsis.cli.measure.index:index",
    "aggregate": "wsis.cli.measure.aggregate:aggregate",
    "divides": "wsis.cli.measure.divides:divides_group",
    "progress": "wsis.cli.measure.progress:progress",
    "affordability": "wsis.cli.measure.affordability:affordability",
    "survey": "wsis.cli.survey:survey",
}.items():
    main.add_lazy(_name, _target)  # type: ignore[attr-defined]

# WSIS Prizes (issue 7): wsis prizes create / open / close / tally / verify.
from wsis.cli.prizes import prizes as _prizes  # noqa: E402

main.add_command(_prizes)

# The demonstration world (issue 13): wsis demo load / remove.
from wsis.cli.demo import demo as _demo  # noqa: E402

main.add_command(_demo)

# Publication pipeline (issue 12): wsis refresh / worker.
from wsis.cli.publishing import register as _register_publishing  # noqa: E402

_register_publishing(main)

# Stocktaking registry (issue 16): wsis registry import-iati.
from wsis.cli.registry import registry as _registry  # noqa: E402

main.add_command(_registry)

# Backup and restore (issue 14): wsis backup / restore.
main.add_lazy("backup", "wsis.cli.operations:backup")  # type: ignore[attr-defined]
main.add_lazy("restore", "wsis.cli.operations:restore")  # type: ignore[attr-defined]

# Calls for inputs and reports (issue 15): wsis report annual / country / action-line / remind.
main.add_lazy("report", "wsis.cli.reports:report")  # type: ignore[attr-defined]

# Action line workspaces (issue 19): wsis workspaces digest.
main.add_lazy("workspaces", "wsis.cli.workspaces:workspaces")  # type: ignore[attr-defined]

# Federation (issue 17): wsis sources add / list / pull / discrepancies.
main.add_lazy("sources", "wsis.cli.sources:sources")  # type: ignore[attr-defined]
# Country case studies (issue 17, para 100a): wsis case-studies add / list / withdraw.
main.add_lazy("case-studies", "wsis.cli.case_studies:case_studies")  # type: ignore[attr-defined]
