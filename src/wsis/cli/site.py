"""``wsis setup``, ``wsis serve`` and ``wsis manage``: prepare the database and run the site."""

from __future__ import annotations

import os
import sys

import click


def django_ready() -> None:
    """Configure Django for a command that touches the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.site.settings")
    import django

    django.setup()


def run_setup(*, demo: bool, real_data: bool = False, quiet: bool = False) -> None:
    django_ready()
    from django.core.management import call_command

    from wsis.apps.reference.sync import sync_reference
    from wsis.reference.loader import ReferenceDataError, knowledge

    try:
        # Checked before touching the database: half-loaded knowledge never reaches it.
        loaded = knowledge()
    except ReferenceDataError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    verbosity = 0 if quiet else 1
    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("collectstatic", interactive=False, verbosity=0)
    counts = sync_reference(loaded)
    if not quiet:
        click.echo("reference knowledge loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    if real_data:
        from wsis.apps.warehouse.domain.fetching import load_real_data

        for line in load_real_data():
            click.echo(line)
    if demo:
        from wsis.site.demo import load_demo

        for line in load_demo():
            click.echo(line)


@click.command()
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="Also load demonstration content (always marked as such on every page).",
)
def setup(demo: bool) -> None:
    """Create or upgrade the database and load the reference knowledge (idempotent)."""
    run_setup(demo=demo)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes.")
@click.option(
    "--setup/--no-setup", "do_setup", default=True, show_default=True, help="Run `wsis setup` first."
)
@click.option(
    "--real-data", is_flag=True, help="Fetch real indicators from the publishers first (needs internet)."
)
def serve(host: str, port: int, workers: int, do_setup: bool, real_data: bool) -> None:
    """Serve the site with gunicorn (the production server) on HOST:PORT."""
    if do_setup:
        run_setup(demo=True, real_data=real_data)
    click.echo(f"WSIS Observatory on http://{host}:{port}/  (Ctrl+C stops it)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.site.settings")
    # Replace this process by gunicorn so that signals (Ctrl+C, SIGTERM) reach the server directly.
    os.execvp(  # noqa: S606 - fixed argument list, no shell
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wsis.site.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ],
    )


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command, e.g. `wsis manage createsuperuser`."""
    django_ready()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wsis manage", *args])
