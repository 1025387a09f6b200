"""The warehouse commands: ``wsis import``, ``query``, ``export``, ``dump``, ``releases``, ``revisions``,
``quality`` and ``fetch``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from wsis.cli.site import django_ready

FORMATS = ("csv", "json", "parquet", "sdmx-csv", "sdmx-ml", "sdmx-structure")


def _selection(command: Callable[..., Any]) -> Callable[..., Any]:
    """The filters shared by `wsis query` and `wsis export`."""
    options = [
        click.option(
            "--indicator", "indicators", multiple=True, help="Indicator code (repeatable), e.g. i99H."
        ),
        click.option(
            "--area", "areas", multiple=True, help="Economy (ISO3) or publisher group code (repeatable)."
        ),
        click.option("--group", help="Economies of a group (LDC, LLDC, SIDS, ITU region, income group)."),
        click.option(
            "--on", type=click.DateTime(["%Y-%m-%d"]), help="Group membership on this date (default today)."
        ),
        click.option("--period", "periods", multiple=True, help="Period, e.g. 2022 (repeatable)."),
        click.option("--release", help="Exactly what this release published (id or 'publisher: name')."),
        click.option(
            "--by", "by", multiple=True, metavar="DIM=CODE", help="Disaggregation filter, e.g. sex=F."
        ),
        click.option("--totals-only", is_flag=True, help="Only figures not broken down by any dimension."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _frame(indicators, areas, group, on, periods, release, by, totals_only):
    from wsis.apps.warehouse.domain.query import QueryError, select, to_frame

    filters = {}
    for item in by:
        if "=" not in item:
            raise click.BadParameter(f"{item!r} is not DIM=CODE", param_hint="--by")
        key, value = item.split("=", 1)
        filters[key] = value
    try:
        qs = select(
            indicators=indicators,
            areas=areas,
            group=group,
            on=on.date() if on else None,
            periods=periods,
            release=release,
            disaggregations=filters,
            totals_only=totals_only,
            # The command line is staff's: a release under embargo named with --release is shown.
            include_embargoed=True,
        )
        return to_frame(qs)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from exc


def _sdmx_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`wsis import` options saying which component of a publisher's SDMX message is which."""
    options = [
        click.option(
            "--sdmx-structure",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="The publisher's SDMX structure message (DSD, code lists) for the data messages.",
        ),
        click.option("--sdmx-area", metavar="ID", help="The SDMX dimension (or attribute) holding the area."),
        click.option(
            "--sdmx-indicator",
            metavar="ID[,ID...]",
            help="The dimension(s) whose codes, joined with '.', make the indicator code.",
        ),
        click.option(
            "--sdmx-period",
            metavar="ID|PERIOD",
            help="The time dimension, or the period (e.g. 2016) of a message that has none.",
        ),
        click.option(
            "--sdmx-dimension",
            "sdmx_dimensions",
            multiple=True,
            metavar="ID=NAME",
            help="Map a dimension to a disaggregation (repeatable), e.g. GEN=sex.",
        ),
        click.option(
            "--sdmx-mapping",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A YAML file with the same settings (area, indicator, period, dimensions, structure).",
        ),
        click.option(
            "--sdmx-area-prefix",
            metavar="PREFIX",
            help="Prefix for areas that are not economies (default: the publisher's agency, e.g. ESTAT).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _sdmx(
    sdmx_structure: Path | None,
    sdmx_area: str | None,
    sdmx_indicator: str | None,
    sdmx_period: str | None,
    sdmx_dimensions: tuple[str, ...],
    sdmx_area_prefix: str | None,
    sdmx_mapping: Path | None,
) -> Any:
    from wsis.engine.readers import ReadError, SdmxOptions
    from wsis.engine.readers.sdmx_layout import options_from_file

    if not any((sdmx_structure, sdmx_area, sdmx_indicator, sdmx_period, sdmx_dimensions, sdmx_area_prefix)):
        if sdmx_mapping is None:
            return None
    mapped = {}
    for item in sdmx_dimensions:
        dim, _, column = item.partition("=")
        if not dim or not column:
            raise click.BadParameter(f"{item!r} is not ID=NAME", param_hint="--sdmx-dimension")
        mapped[dim.strip()] = column.strip()
    given = {
        "structure": sdmx_structure,
        "area": sdmx_area,
        "indicator": tuple(i.strip() for i in (sdmx_indicator or "").split(",") if i.strip()),
        "disaggregations": mapped,
        "area_prefix": sdmx_area_prefix,
        "period": sdmx_period,
    }
    try:
        if sdmx_mapping is not None:
            return options_from_file(sdmx_mapping, **given)
        return SdmxOptions(**given)
    except ReadError as exc:
        raise click.BadParameter(exc.problem.message, param_hint="--sdmx-mapping") from None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--sdmx-dimension") from None


@click.command("import")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--format", "fmt", default=None, help="Force a reader (default: recognised from the file).")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Mapping file (YAML) for a generic CSV.",
)
@click.option("--release", "name", help="Release name (default: derived from the files' checksum).")
@click.option("--publisher", help="Publisher (default: from the reader, e.g. ITU, World Bank).")
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]), help="Release date (default today).")
@click.option(
    "--skip-invalid", is_flag=True, help="Write the valid rows and put the rejected ones in a file."
)
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where --skip-invalid writes rejected rows (default rejected-<release>.csv).",
)
@click.option(
    "--no-refresh",
    is_flag=True,
    help="Do not publish the figures again afterwards (`wsis refresh` after the last of several imports).",
)
@click.option(
    "--publish-at",
    "publish_at",
    metavar="ISO",
    help="Embargo: the release stays invisible until this time (ISO 8601, e.g. 2026-03-01T09:00+01:00; "
    "UTC when no offset), then appears by itself (a background task; `wsis worker`).",
)
@_sdmx_options
def import_(
    paths, fmt, mapping, name, publisher, date, skip_invalid, rejected_path, no_refresh, publish_at, **sdmx
) -> None:
    """Import publisher files as one release: all validation first, then one transaction.

    On any error it prints every problem with file, row and column, exits 1 and leaves the database
    exactly as it was. Re-importing the same release changes nothing.
    """
    django_ready()
    from wsis.apps.operations.domain.locks import WritersBusy
    from wsis.apps.warehouse.domain.importing import ImportRefused, import_release
    from wsis.cli.publishing import say_waiting

    embargo = parse_time(publish_at, "--publish-at") if publish_at else None
    if skip_invalid and rejected_path is None:
        rejected_path = Path(f"rejected-{(name or 'import').replace(' ', '_')}.csv")
    bar = None

    def progress(written: int, total: int) -> None:
        # The number of rows is known once every file is read and checked: the bar starts then.
        nonlocal bar
        if bar is None and total > 50_000:
            bar = click.progressbar(length=total, label="writing observations", file=sys.stderr)
            bar.__enter__()
        if bar is not None:
            bar.update(written - bar.pos)

    try:
        try:
            report = import_release(
                list(paths),
                name=name,
                publisher=publisher,
                date=date.date() if date else None,
                fmt=fmt,
                mapping=mapping,
                sdmx_options=_sdmx(**sdmx),
                skip_invalid=skip_invalid,
                rejected_path=rejected_path,
                progress=progress,
                on_wait=say_waiting,
                publish_at=embargo,
            )
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
    except ImportRefused as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(str(exc)) from exc
    except WritersBusy as exc:
        raise click.ClickException(str(exc)) from exc
    r = report.release
    click.echo(f"release {r.id} '{r.publisher}: {r.name}' ({'new' if report.created else 'existing'})")
    for f in report.files:
        click.echo(
            f"  {f.name}: {f.reader}, {f.source_records} source records, {f.observations} observations, "
            f"{len(f.exclusions)} excluded"
        )
        reasons: dict[str, int] = {}
        for e in f.exclusions:
            reasons[e["reason"]] = reasons.get(e["reason"], 0) + 1
        for reason, count in sorted(reasons.items()):
            click.echo(f"    excluded {count}: {reason}")
        for c in f.corrections:
            click.echo(f"    corrected {c['rows']} rows by rule {c['rule']}: {c['description']}")
    click.echo(f"  {report.written} observations written, {report.unchanged} already stored")
    if r.embargoed():
        click.echo(
            f"  under embargo until {r.publish_at.isoformat()}: invisible until then, "
            "made public at that time by a background task (`wsis worker`)"
        )
    click.echo(f"  {len(report.warnings)} quality warnings (see `wsis quality {r.id}`)")
    if report.rejected:
        click.echo(f"  {report.rejected} rows rejected, written to {report.rejected_path}")
    if report.retired:
        click.echo(f"  {report.retired} (`wsis demo load` restores it once no real release is left)")
    if not no_refresh:
        from wsis.cli.publishing import refresh_after

        refresh_after(f"wsis import (release {r.id})")


@click.command()
@_selection
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.option("--limit", type=int, default=50, show_default=True, help="Rows shown as a table (0: all).")
def query(fmt, limit, **selection) -> None:
    """Show observations: the latest figure per key, or what one release published."""
    django_ready()
    frame = _frame(**selection)
    if fmt == "json":
        click.echo(json.dumps(frame.to_dicts(), default=str, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(frame.write_csv(), nl=False)
    else:
        shown = frame.select(
            "indicator",
            "area",
            "period",
            "sex",
            "urbanisation",
            "value",
            "unit",
            "nature",
            "release_name",
            "synthetic",
        )
        import polars as pl

        with pl.Config(tbl_rows=limit or -1, tbl_cols=-1, tbl_width_chars=160):
            click.echo(shown.head(limit) if limit else shown)
        click.echo(f"{frame.height} observation(s)")


@click.command()
@_selection
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export(fmt, output, **selection) -> None:
    """Write a selection as CSV, JSON, Parquet, SDMX-CSV or SDMX-ML (readable back by `wsis import`);
    `--format sdmx-structure` writes the SDMX data structure definition the SDMX exports follow."""
    django_ready()
    from wsis.apps.warehouse.domain.export import export as write
    from wsis.engine.readers.writers import write_sdmx_structure

    if fmt == "sdmx-structure":
        write_sdmx_structure(output)
        click.echo(f"SDMX structure written to {output}")
        return
    frame = _frame(**selection)
    write(frame, output, fmt)
    click.echo(f"{frame.height} observations written to {output}")


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), required=False)
def dump(folder: Path | None) -> None:
    """Write the full open-data dump (every format, SDMX structure, releases) with SHA256SUMS; without
    FOLDER, where the site's bulk download page serves it (WSIS_WAREHOUSE_DUMP_DIR)."""
    django_ready()
    from django.conf import settings

    from wsis.apps.warehouse.domain.export import dump as write_dump

    folder = folder or Path(settings.WSIS_WAREHOUSE_DUMP_DIR)

    for name, digest in write_dump(folder).items():
        click.echo(f"{digest}  {name}")


@click.command()
@click.option(
    "--lift-due",
    is_flag=True,
    help="Make public now the releases whose publication time has passed (what the background task does).",
)
def releases(lift_due: bool) -> None:
    """List the releases in the warehouse, newest first, with their embargo (publication time)."""
    django_ready()
    from wsis.apps.warehouse.models import Release

    if lift_due:
        from wsis.apps.warehouse.domain.embargo import lift_due as lift

        for r in lift(trigger="wsis releases --lift-due"):
            click.echo(f"embargo lifted: release {r.id} '{r}'")
    for r in Release.objects.all():
        mark = " [SYNTHETIC]" if r.synthetic else ""
        if r.embargoed():
            mark += f" [EMBARGOED until {r.publish_at.isoformat()}]"
        elif r.publish_at is not None:
            mark += f" [published {r.publish_at.isoformat()}]"
        click.echo(f"{r.id:4}  {r.date}  {r.publisher}: {r.name}  ({r.observation_count} obs){mark}")


def parse_time(text: str, option: str):
    """An ISO 8601 time from the command line, aware (UTC when it names no offset)."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 time", param_hint=option) from exc
    return moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


@click.command()
@click.argument("before")
@click.argument("after")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def revisions(before: str, after: str, fmt: str) -> None:
    """What changed between two releases: revised, added and dropped figures."""
    django_ready()
    from wsis.apps.warehouse.domain.query import QueryError
    from wsis.apps.warehouse.domain.query import revisions as compare

    try:
        frame = compare(before, after, include_embargoed=True)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(frame.to_dicts(), default=str, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(frame.write_csv(), nl=False)
    else:
        click.echo(frame.select("indicator", "area", "period", "before", "after", "change"))
        click.echo(f"{frame.height} change(s)")


@click.command()
@click.argument("release")
def quality(release: str) -> None:
    """The data-quality report of a release: every flagged value, never silently fixed."""
    django_ready()
    from wsis.apps.warehouse.domain.query import QueryError, find_release

    try:
        r = find_release(release, include_embargoed=True)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from exc
    flags = r.flags.order_by("file", "row")
    click.echo(f"release {r.id} '{r.publisher}: {r.name}': {flags.count()} quality flag(s)")
    for flag in flags:
        click.echo(f"  {flag.file}, row {flag.row}, {flag.column}: {flag.message}")


@click.command()
@click.argument("publisher", type=click.Choice(["worldbank", "itu", "sdg"]))
@click.argument("code")
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the downloaded file here (default: the data folder's downloads/).",
)
@click.option(
    "--import/--no-import",
    "do_import",
    default=True,
    show_default=True,
    help="Import the download as a release.",
)
@click.option("--base", help="Another base URL for the publisher's API (a mirror, a test server).")
def fetch(publisher: str, code: str, folder: Path | None, do_import: bool, base: str | None) -> None:
    """Download one series from the publisher's public API and import it as a release.

    Examples: `wsis fetch worldbank IT.NET.USER.ZS`, `wsis fetch itu i99H`, `wsis fetch sdg IT_USE_ii99`.
    """
    django_ready()
    from wsis.apps.warehouse.domain.fetching import FetchFailed, fetch_and_import

    try:
        lines = fetch_and_import(publisher, code, folder=folder, do_import=do_import, base=base)
    except FetchFailed as exc:
        raise click.ClickException(str(exc)) from exc
    for line in lines:
        click.echo(line)


@click.command()
@click.argument("indicator")
def metadata(indicator: str) -> None:
    """Per-series metadata as JSON: the catalogue entry, units, periods, releases and breakdowns held."""
    django_ready()
    from wsis.apps.warehouse.domain.metadata import UnknownSeries, series_metadata

    try:
        click.echo(json.dumps(series_metadata(indicator), ensure_ascii=False, indent=1))
    except UnknownSeries as exc:
        raise click.ClickException(str(exc)) from exc


def register(main: click.Group) -> None:
    for command in (import_, query, export, dump, releases, revisions, quality, fetch, metadata):
        main.add_command(command)
