"""``wsis refresh`` (compute and publish every figure the site shows) and ``wsis worker`` (run background
tasks). The commands that change data (``wsis import``, ``wsis reference income``, ``wsis setup``) refresh
through :func:`refresh_after`."""

from __future__ import annotations

import os

import click

from wsis.cli.site import django_ready


def refresh_after(trigger: str, *, force: bool = False, quiet: bool = False) -> None:
    """Publish the figures again after ``trigger`` changed the data (skipped when the current publication
    was made from the same data by the same code, unless ``force``). A failure is said clearly and makes
    the command fail; the previous publication stays current."""
    from wsis.apps.operations.domain.locks import WritersBusy, writer_lock
    from wsis.apps.publishing.domain.refresh import RefreshFailed, refresh, up_to_date

    try:
        # Under the writers' lock, so that of several imports finishing together only the first
        # refreshes; the others find the publication up to date.
        with writer_lock(f"refresh ({trigger})", on_wait=say_waiting):
            if not force and up_to_date():
                if not quiet:
                    click.echo("figures: the current publication is up to date")
                return
            publication = refresh(trigger=trigger)
    except (RefreshFailed, WritersBusy) as exc:
        raise click.ClickException(str(exc)) from exc
    if not quiet:
        click.echo(
            f"figures: publication {publication.pk} is current "
            f"({publication.figure_count} figures in {publication.seconds:.1f} s)"
        )


def say_waiting(holder: str) -> None:
    click.echo(f"waiting: another data writer is running ({holder})", err=True)


@click.command()
@click.option(
    "--force", is_flag=True, help="Refresh even when no input changed since the current publication."
)
def refresh(force: bool) -> None:
    """Compute every figure the site, the API and the reports show (group aggregates, dispersion, progress
    towards targets, the IDI where inputs allow) and make them the current publication in one step.

    `wsis import`, `wsis reference income` and `wsis setup` run it by themselves."""
    django_ready()
    refresh_after("wsis refresh", force=force)


@click.command()
@click.option("--batch", is_flag=True, help="Run the queued tasks, then stop (instead of waiting for more).")
def worker(batch: bool) -> None:
    """Run background tasks (refreshes, warming the page cache) from the queue in the database.

    Run as many as you like, each in its own process; `bash scripts/run.sh` starts one."""
    django_ready()
    from django.conf import settings
    from django.core.management import call_command

    # Background work (a page warm-up renders thousands of pages) must not make visitors wait: the worker
    # gives the web server's processes precedence on the processors it shares with them.
    if settings.WSIS_WORKER_NICE:
        os.nice(settings.WSIS_WORKER_NICE)

    call_command("db_worker", *(["--batch"] if batch else []), "--interval", "1")


def register(main: click.Group) -> None:
    main.add_command(refresh)
    main.add_command(worker)
