"""``wsis backup FILE`` and ``wsis restore FILE``: the whole deployment in one portable archive."""

from __future__ import annotations

from pathlib import Path

import click

from wsis.cli.site import django_ready


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    """Write everything the deployment holds to PATH (a .tar.gz): every table - releases and
    observations, the registry with its versions, accounts, prizes and ballot logs, reference edits,
    publications - and the registry's attachment files, with a manifest of SHA-256 checksums.

    Safe while the site runs (SQLite: online backup API; PostgreSQL: one consistent snapshot). The archive
    restores on SQLite or PostgreSQL alike (`wsis restore`)."""
    django_ready()
    from wsis.apps.operations.domain.backup import BackupFailed
    from wsis.apps.operations.domain.backup import backup as write

    try:
        report = write(path)
    except BackupFailed as exc:
        raise click.ClickException(f"no backup written: {exc}") from exc
    click.echo(
        f"backup written to {report.path}: {report.tables} tables, {report.rows} rows, "
        f"{report.attachments} attachment files, {report.bytes / 2**20:.1f} MB"
    )


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Delete everything the target holds first (refused otherwise).")
@click.option(
    "--native",
    is_flag=True,
    help="PostgreSQL to PostgreSQL: restore the archive's pg_dump with pg_restore, not its portable tables.",
)
def restore(path: Path, replace: bool, native: bool) -> None:
    """Restore an archive written by `wsis backup` into this deployment's database (WSIS_DATABASE_URL) and
    data folder.

    Every member is checked against the manifest's checksums before anything changes; the schema is
    created if the database is empty; a target holding data is refused unless --replace; the tables are
    loaded in one transaction and their checksums compared with the archive's before it commits. Stop
    the site (and workers) while restoring. With --native (an archive made on PostgreSQL, restored into
    PostgreSQL) pg_restore loads the archive's pg_dump in one transaction, then the checksums are compared."""
    django_ready()
    from wsis.apps.operations.domain.backup import RestoreDiffers, RestoreRefused
    from wsis.apps.operations.domain.backup import restore as load

    try:
        report = load(path, replace=replace, native=native)
    except RestoreRefused as exc:
        raise click.ClickException(f"restore refused, nothing was changed: {exc}") from exc
    except RestoreDiffers as exc:
        raise click.ClickException(f"restore done but not identical: {exc}") from exc
    click.echo(
        f"restored {report.tables} tables ({report.rows} rows) and {report.attachments} attachment files "
        f"from a {report.engine_from} deployment into {report.engine_to}; every table's checksum matches"
    )
