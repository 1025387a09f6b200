"""The ``wsis`` command. Each subcommand family lives in its own module and is registered here."""

from __future__ import annotations

import click

from wsis import __version__
from wsis.cli.reference import reference
from wsis.cli.site import manage, serve, setup


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
