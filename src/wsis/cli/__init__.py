"""The ``wsis`` command. Each subcommand family lives in its own module and is registered here."""

from __future__ import annotations

import click

from wsis import __version__
from wsis.cli.reference import reference
from wsis.cli.site import manage, serve, setup
from wsis.cli.warehouse import register as register_warehouse


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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

# Measurement (issue 6): index, aggregate, divides, progress, affordability - working from files for now.
from wsis.cli.measure import register as _register_measure  # noqa: E402

_register_measure(main)

# Household survey estimation (issue 3): wsis survey estimate / indicators.
from wsis.cli.survey import survey as _survey  # noqa: E402

main.add_command(_survey)

# WSIS Prizes (issue 7): wsis prizes create / open / close / tally / verify.
from wsis.cli.prizes import prizes as _prizes  # noqa: E402

main.add_command(_prizes)
