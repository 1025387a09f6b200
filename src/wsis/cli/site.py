"""``wsis setup``, ``wsis serve`` and ``wsis manage``: prepare the database and run the site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click


def django_ready() -> None:
    """Configure Django for a command that touches the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.site.settings")
    import django

    django.setup()


def run_setup(
    *, demo: bool, real_data: bool = False, real_data_from: Path | None = None, quiet: bool = False
) -> None:
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
    if real_data or real_data_from is not None:
        from wsis.apps.warehouse.domain.fetching import FetchFailed, load_real_data

        try:
            for line in load_real_data(source=real_data_from):
                click.echo(line)
        except FetchFailed as exc:
            raise click.ClickException(str(exc)) from exc
        from wsis.apps.reference.official_texts import load_official_texts

        # The UN's official SDG titles and economy names, from the publishers like the figures.
        for line in load_official_texts(real_data_from):
            click.echo(line)
    if demo:
        from wsis.apps.warehouse.domain.world import real_world
        from wsis.site.demo import load_demo

        # The demonstration world is for an installation without real data: never loaded over it.
        if real_world():
            if not quiet:
                click.echo("demonstration content: not loaded, the warehouse holds real releases")
        else:
            for line in load_demo():
                click.echo(line)
    from wsis.cli.publishing import refresh_after

    # The reference knowledge (and the demonstration data) may have changed: the figures follow.
    refresh_after("wsis setup", quiet=quiet)


@click.command()
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="Also load demonstration content (always marked as such on every page) while the warehouse "
    "holds no real release.",
)
@click.option(
    "--real-data",
    is_flag=True,
    help="Also load the default set of real indicators (ITU, World Bank): downloaded from the publishers "
    "(needs internet), or from --from DIR.",
)
@click.option(
    "--from",
    "real_data_from",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="With --real-data: read local copies from DIR (the publishers' bulk exports laid out as in the "
    "shared data folder, or files saved by `wsis fetch --no-import --folder DIR`) instead of downloading.",
)
def setup(demo: bool, real_data: bool, real_data_from: Path | None) -> None:
    """Create or upgrade the database and load the reference knowledge (idempotent).

    With --real-data, also the default set of real indicators; the first real release retires the
    demonstration data."""
    if real_data_from is not None and not real_data:
        raise click.UsageError("--from DIR goes with --real-data")
    run_setup(demo=demo, real_data=real_data, real_data_from=real_data_from)


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
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="With --setup: load the demonstration content while the warehouse holds no real release.",
)
@click.option(
    "--worker/--no-worker",
    "with_worker",
    default=True,
    show_default=True,
    help="Also run one background-task worker (`wsis worker`): refreshes and page-cache warming.",
)
def serve(
    host: str, port: int, workers: int, do_setup: bool, real_data: bool, demo: bool, with_worker: bool
) -> None:
    """Serve the site with gunicorn (the production server) on HOST:PORT, with a background-task worker."""
    if do_setup:
        run_setup(demo=demo, real_data=real_data)
    click.echo(f"WSIS Observatory on http://{host}:{port}/  (Ctrl+C stops it)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.site.settings")
    if with_worker:
        # The worker runs beside gunicorn; gunicorn's on_exit hook (wsis.site.gunicorn) stops it with
        # the server.
        task_worker = subprocess.Popen([sys.executable, "-m", "wsis", "worker"])  # noqa: S603 - fixed arguments
        os.environ["WSIS_TASK_WORKER_PID"] = str(task_worker.pid)
    # Replace this process by gunicorn so that signals (Ctrl+C, SIGTERM) reach the server directly.
    os.execvp(  # noqa: S606 - fixed argument list, no shell
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wsis.site.wsgi:application",
            "--config",
            "python:wsis.site.gunicorn",
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
