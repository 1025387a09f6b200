"""``wsis prizes``: create, open and close a cycle's phases, tally the vote and verify the ballot log."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from wsis.cli.site import django_ready

PHASES = ["submission", "review", "voting", "selection", "results"]


def _cycle(year: int):
    from wsis.apps.prizes.models import Cycle

    try:
        return Cycle.objects.get(year=year)
    except Cycle.DoesNotExist:
        click.echo(f"no prize cycle {year} (create it with `wsis prizes create {year}`)", err=True)
        sys.exit(2)


@click.group()
def prizes() -> None:
    """WSIS Prizes: yearly cycles, expert review and the public vote."""


@prizes.command()
@click.argument("year", type=int)
def create(year: int) -> None:
    """Create the cycle of YEAR with the usual calendar (phases can then be moved)."""
    django_ready()
    from wsis.apps.prizes.domain.phases import create_cycle
    from wsis.apps.prizes.models import Cycle

    if Cycle.objects.filter(year=year).exists():
        click.echo(f"prize cycle {year} already exists", err=True)
        sys.exit(1)
    cycle = create_cycle(year=year)
    click.echo(f"prize cycle {cycle.year} created")


@prizes.command("open")
@click.argument("year", type=int)
@click.argument("phase", type=click.Choice(PHASES))
@click.option("--until", type=click.DateTime(), help="Close date (UTC); default: keep the planned one.")
@click.option("--reason", default="opened from the command line", show_default=True)
def open_(year: int, phase: str, until: dt.datetime | None, reason: str) -> None:
    """Open PHASE of the cycle of YEAR now (the change is logged with its reason)."""
    django_ready()
    from wsis.apps.prizes.domain.phases import open_phase

    until_utc = until.replace(tzinfo=dt.UTC) if until else None
    open_phase(cycle=_cycle(year), phase=phase, reason=reason, until=until_utc)
    cycle = _cycle(year)
    click.echo(f"{year} {phase}: open until {cycle.closes(phase):%Y-%m-%d %H:%M} UTC")


@prizes.command()
@click.argument("year", type=int)
@click.argument("phase", type=click.Choice(PHASES))
@click.option("--reason", default="closed from the command line", show_default=True)
def close(year: int, phase: str, reason: str) -> None:
    """Close PHASE of the cycle of YEAR now (logged with its reason)."""
    django_ready()
    from wsis.apps.prizes.domain.phases import close_phase

    close_phase(cycle=_cycle(year), phase=phase, reason=reason)
    click.echo(f"{year} {phase}: closed")


@prizes.command()
@click.argument("year", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the published tally as JSON.")
def tally(year: int, as_json: bool) -> None:
    """Run the anomaly rules, recompute the tally from the ballot log and mark the champions."""
    django_ready()
    from wsis.apps.prizes.domain.tally import published, run_anomaly_rules, run_tally, verify_cycle

    cycle = _cycle(year)
    check = verify_cycle(cycle)
    if not check.ok:
        click.echo(str(check), err=True)
        sys.exit(1)
    flags = run_anomaly_rules(cycle)
    result = run_tally(cycle)
    if as_json:
        click.echo(json.dumps(published(cycle), indent=1, sort_keys=True))
        return
    click.echo(f"{result.ballots} ballots; {len(flags)} anomaly flags for moderators")
    for category in sorted(result.counts):
        ranked = sorted(result.counts[category].items(), key=lambda kv: (-kv[1], kv[0]))
        champions = set(result.champions[category])
        line = ", ".join(f"{n}{'*' if n in champions else ''}={v}" for n, v in ranked)
        click.echo(f"category {category:2d}: {line}")


@prizes.command()
@click.argument("year", type=int)
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Verify a published log (JSON list of entries, or the API's answer) instead of the database.",
)
def verify(year: int, path: Path | None) -> None:
    """Check the hash chain of the ballot log; exit 1 naming the first entry that does not fit."""
    from wsis.engine.prizes.ballot_log import BallotLogError, from_dict
    from wsis.engine.prizes.ballot_log import verify as verify_log

    if path is not None:
        try:
            data = json.loads(path.read_text())
            rows = data["entries"] if isinstance(data, dict) else data
            head = data.get("head", {}) if isinstance(data, dict) else {}
            log = [from_dict(row, i) for i, row in enumerate(rows, start=1)]
        except (ValueError, KeyError, BallotLogError) as exc:
            click.echo(f"{path}: {exc}", err=True)
            sys.exit(2)
        result = verify_log(log, expected_count=head.get("entries"), expected_head=head.get("hash", ""))
    else:
        django_ready()
        from wsis.apps.prizes.domain.tally import verify_cycle

        result = verify_cycle(_cycle(year))
    click.echo(str(result), err=not result.ok)
    sys.exit(0 if result.ok else 1)
