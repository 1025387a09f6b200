"""``wsis report``: the annual progress report (para 110), country and action line reports, and the
reminders of calls for inputs.

``wsis report annual --year 2024 --language fr --format pdf -o report.pdf`` generates (or regenerates) the
draft from the current publication and the year's contributions - exactly what the staff page does - and
writes it; a frozen or published report is written as it was frozen. ``--format json`` gives every
figure with its footnote. A year without data is refused with the reason, and nothing is stored.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wsis.cli.site import django_ready

FORMATS = ["html", "pdf", "docx", "json", "csv"]
LANGUAGES = ["ar", "zh", "en", "fr", "ru", "es"]


@click.group()
def report() -> None:
    """Reports made from the current publication, the registry and the calls for inputs."""


def _write(kind: str, year: int, subject: str, language: str, fmt: str, output: Path | None) -> None:
    django_ready()
    from wsis.apps.reports.domain import ReportsError
    from wsis.apps.reports.domain.document import document
    from wsis.apps.reports.domain.drafts import generate
    from wsis.apps.reports.enums import ReportState
    from wsis.apps.reports.interfaces.render import render
    from wsis.apps.reports.models import Report

    found = Report.objects.filter(kind=kind, year=year, subject=subject, language=language).first()
    try:
        if found is None or found.state not in (ReportState.FROZEN, ReportState.PUBLISHED):
            found = generate(kind=kind, year=year, subject=subject, language=language)
    except ReportsError as exc:
        click.echo(f"wsis report {kind.replace('_', '-')}: {exc}; nothing was stored", err=True)
        sys.exit(1)
    data = render(document(found), fmt)
    if output is None:
        if fmt in ("pdf", "docx"):
            click.echo(f"--format {fmt} needs -o FILE", err=True)
            sys.exit(2)
        click.echo(data.decode(), nl=False)
    else:
        output.write_bytes(data)
        click.echo(
            f"{kind} report {year}{' ' + subject if subject else ''} ({language}, {found.state}, "
            f"{found.paragraphs.count()} paragraphs) written to {output}",
            err=True,
        )


def _options(command):
    command = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to FILE (needed for pdf and docx); default: standard output.",
    )(command)
    command = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="html",
        show_default=True,
        help="json: every figure with its footnote; csv: the figures as a table.",
    )(command)
    command = click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True)(
        command
    )
    command = click.option("--year", type=int, required=True, help="The report's year.")(command)
    return command


@report.command()
@_options
def annual(year: int, language: str, fmt: str, output: Path | None) -> None:
    """The annual report to the CSTD on progress in implementing the WSIS outcomes (para 110)."""
    _write("annual", year, "", language, fmt, output)


@report.command()
@click.option("--economy", required=True, help="ISO alpha-3 code, e.g. KEN.")
@_options
def country(economy: str, year: int, language: str, fmt: str, output: Path | None) -> None:
    """The economy profile as a document."""
    _write("country", year, economy.upper(), language, fmt, output)


@report.command("action-line")
@click.option("--line", required=True, help="Action line code, e.g. C7 or C7.HEALTH.")
@_options
def action_line(line: str, year: int, language: str, fmt: str, output: Path | None) -> None:
    """An action line's yearly report, for its facilitators (para 20)."""
    _write("action_line", year, line, language, fmt, output)


@report.command()
@click.option("--days", type=int, default=7, show_default=True, help="Remind when a call closes within DAYS.")
def remind(days: int) -> None:
    """E-mail invited organizations that have not submitted to a call closing soon (once each); schedule
    it daily."""
    import datetime as dt

    django_ready()
    from wsis.apps.reports.domain.calls import remind as send

    sent = send(before=dt.timedelta(days=days))
    click.echo(f"{len(sent)} reminders sent")
