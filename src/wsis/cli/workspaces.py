"""``wsis workspaces``: the action line workspaces' digest e-mail.

``wsis workspaces digest --period daily`` sends each member who chose the daily digest what changed in
their workspaces since their last one (schedule it daily; ``--period weekly`` weekly). Members who never
chose get the weekly one."""

from __future__ import annotations

import sys

import click

from wsis.cli.site import django_ready


@click.group()
def workspaces() -> None:
    """Action line workspaces (para 20)."""


@workspaces.command()
@click.option("--period", type=click.Choice(["daily", "weekly"]), required=True, help="Which digest to send.")
def digest(period: str) -> None:
    """E-mail each member who chose PERIOD what changed in their workspaces."""
    django_ready()
    from wsis.apps.workspaces.domain import WorkspaceError
    from wsis.apps.workspaces.domain.digest import send_digests

    try:
        sent = send_digests(period=period)
    except WorkspaceError as exc:
        click.echo(f"wsis workspaces digest: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{sent} {period} digests sent")
