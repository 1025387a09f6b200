"""``wsis demo load|remove``: the demonstration world, loaded or taken away by hand.

The first real release imported retires the demonstration by itself; these commands restore it on an
installation without real data, or remove it without importing anything.
"""

from __future__ import annotations

import click

from wsis.cli.site import django_ready


@click.group()
def demo() -> None:
    """The demonstration world: synthetic indicators and registry entries, shown under a banner."""


@demo.command("load")
def load() -> None:
    """Load the demonstration content (refused while the warehouse holds real releases)."""
    django_ready()
    from wsis.site.demo import DemonstrationRefused, load_demo

    try:
        for line in load_demo():
            click.echo(line)
    except DemonstrationRefused as exc:
        raise click.ClickException(f"{exc}; nothing was loaded") from exc


@demo.command("remove")
def remove() -> None:
    """Remove the demonstration content: synthetic releases, computations on them, registry entries."""
    django_ready()
    from wsis.site.demo import remove_demo

    click.echo(remove_demo())
