"""``wsis reference``: check and browse the reference knowledge from the command line."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from wsis.reference.loader import ReferenceDataError, load


def _load(directory: Path | None):
    try:
        return load(directory)
    except ReferenceDataError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


@click.group()
def reference() -> None:
    """Check and browse the reference knowledge (action lines, SDGs, matrix, economies, groups...)."""


@reference.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Check this folder of reference files instead of the shipped one.",
)
def check(directory: Path | None) -> None:
    """Validate every reference file and the rules between them; exit 1 listing each problem."""
    k = _load(directory)
    click.echo(
        f"reference data valid: {len(k.action_lines)} action lines, {len(k.goals)} goals, "
        f"{len(k.targets)} targets, {len(k.matrix.links)} matrix links, {len(k.economies)} economies, "
        f"{len(k.groups)} groups, {len(k.memberships)} memberships, {len(k.indicators)} indicators, "
        f"{len(k.connectivity_targets)} targets of connectivity frameworks"
    )


@reference.command("lines")
@click.option("--language", default="en", show_default=True, help="ar, zh, en, fr, ru or es.")
def lines(language: str) -> None:
    """List the 18 WSIS action lines with their prize category and facilitators."""
    k = _load(None)
    for line in k.action_lines.values():  # file order: C1..C11 with C7's sub-lines after C7
        click.echo(
            f"{line.code:6} {line.prize_category or '':>2}  {line.name.get(language)}  "
            f"[{', '.join(line.lead_facilitators)}]"
        )


@reference.command("line")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def line(code: str, fmt: str) -> None:
    """Show one action line and the SDG targets it maps to in the WSIS-SDG matrix."""
    k = _load(None)
    item = k.action_lines.get(code.upper() if "." not in code else code[:3].upper() + code[3:].lower())
    if item is None:
        raise click.BadParameter(f"no action line {code!r}; see `wsis reference lines`", param_hint="CODE")
    links = [lk for lk in k.matrix.links if lk.line == item.code]
    if fmt == "json":
        data = item.model_dump(mode="json") | {"sdg_links": [lk.model_dump(mode="json") for lk in links]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{item.code}  {item.name.en}")
    click.echo(f"  facilitators: {', '.join(item.lead_facilitators + item.co_facilitators)}")
    for lk in links:
        click.echo(f"  -> SDG {lk.target}: {k.targets[lk.target].title.en}  ({lk.rationale})")


@reference.command("economy")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def economy(code: str, fmt: str) -> None:
    """Show an economy (ISO alpha-3): codes, names in six languages, M49 regions and groups over time."""
    k = _load(None)
    item = k.economies.get(code.upper())
    if item is None:
        raise click.BadParameter(f"no economy {code!r} (give an ISO 3166 alpha-3 code)", param_hint="CODE")
    groups = [m.model_dump(mode="json") for m in k.groups_of(item.iso3)]
    if fmt == "json":
        click.echo(
            json.dumps(item.model_dump(mode="json") | {"groups": groups}, ensure_ascii=False, indent=2)
        )
        return
    assert item.names is not None
    click.echo(f"{item.iso3} {item.iso2} M49 {item.m49}  {item.names.en}")
    for lang in ("ar", "zh", "fr", "ru", "es"):
        click.echo(f"  {lang}: {item.names.get(lang)}")
    for m in groups:
        click.echo(f"  {m['group']}: {m['valid_from']} - {m['valid_to'] or 'now'}")


@reference.command("group")
@click.argument("code")
@click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Members on this date (default today).",
)
def group(code: str, on: dt.datetime | None) -> None:
    """List the members of a group (LDC, LLDC, SIDS, ITU regions...) on a date."""
    k = _load(None)
    if code.upper() not in k.groups:
        raise click.BadParameter(
            f"no group {code!r}; groups: {', '.join(sorted(k.groups))}", param_hint="CODE"
        )
    day = (on or dt.datetime.now()).date()
    members = k.members(code.upper(), day)
    click.echo(f"{code.upper()} on {day}: {len(members)} members")
    for iso3 in members:
        names = k.economies[iso3].names
        click.echo(f"  {iso3}  {names.en if names else ''}")


@reference.command("target")
@click.argument("code")
def target(code: str) -> None:
    """Show an SDG target and the WSIS action lines that serve it."""
    k = _load(None)
    item = k.targets.get(code)
    if item is None:
        raise click.BadParameter(f"no SDG target {code!r} (e.g. 9.c)", param_hint="CODE")
    click.echo(f"SDG {item.code}: {item.title.en}")
    for line_code in k.lines_for_target(item.code):
        click.echo(f"  <- {line_code} {k.action_lines[line_code].name.en}")


@reference.command("income")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--fiscal-year",
    type=int,
    default=None,
    help="World Bank fiscal year of the file (FY2025 = 1 July 2024 - 30 June 2025). "
    "Required for Metadata_Country and CLASS.xlsx files.",
)
@click.option(
    "--fetch", "do_fetch", is_flag=True, help="Download the current classification from the World Bank API."
)
def income(path: Path | None, fiscal_year: int | None, do_fetch: bool) -> None:
    """Load World Bank income groups (LIC/LMC/UMC/HIC) for one fiscal year into the database.

    PATH is a World Bank Metadata_Country_*.csv, a CLASS.xlsx, or an Open Data Watch country-region
    codes CSV. A file with any problem is refused whole and the database is left unchanged.
    """
    from wsis.reference import income as wb

    k = _load(None)
    economies = set(k.economies)
    if do_fetch == (path is not None):
        raise click.UsageError("give either PATH or --fetch")
    if do_fetch:
        try:
            result = wb.fetch(fiscal_year, economies)
        except OSError as exc:
            raise click.ClickException(f"the World Bank API is not reachable: {exc}") from exc
    else:
        assert path is not None
        if path.suffix.lower() == ".xlsx":
            reader = wb.read_class_xlsx
        elif path.name.lower().startswith("odw"):
            result = wb.read_odw(path, economies)
            reader = None
        else:
            reader = wb.read_metadata_country
        if reader is not None:
            if fiscal_year is None:
                raise click.UsageError("--fiscal-year is required: this file does not say its vintage")
            result = reader(path, fiscal_year, economies)
    for problem in result.problems:
        click.echo(f"error: {problem}", err=True)
    if result.problems:
        raise click.ClickException(
            f"{len(result.problems)} problem(s) in {result.origin}; nothing was stored"
        )
    from wsis.cli.site import django_ready

    django_ready()
    from wsis.apps.reference.sync import store_income_groups

    written = store_income_groups(result)
    click.echo(
        f"FY{result.fiscal_year}: {written} income-group memberships stored from {result.origin} "
        f"({len(result.skipped)} rows skipped, {len(result.unclassified)} unclassified)"
    )
    for skipped in result.skipped:
        click.echo(f"  skipped: {skipped}")
    from wsis.cli.publishing import refresh_after

    # Aggregates of income groups, and every aggregate weighted by membership dates, change with them.
    refresh_after("wsis reference income")


@reference.command("sdg-diff")
@click.option(
    "--iati",
    "iati_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder with the IATI code lists UNSDG-Goals.xml and UNSDG-Targets.xml.",
)
@click.option(
    "--un-api",
    "un_api",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A saved answer of the UN SDG API /v1/sdg/Goal/List?includechildren=true.",
)
def sdg_diff(iati_dir: Path | None, un_api: Path | None) -> None:
    """Compare the shipped SDG codes with the publisher's official list; exit 1 if they differ."""
    from wsis.reference import sdg_texts

    if (iati_dir is None) == (un_api is None):
        raise click.UsageError("give exactly one of --iati or --un-api")
    try:
        if iati_dir is not None:
            official = sdg_texts.load_iati_folder(iati_dir)
        else:
            assert un_api is not None
            official = sdg_texts.load_un_api(un_api)
    except sdg_texts.SdgTextError as exc:
        raise click.ClickException(str(exc)) from exc
    differences = sdg_texts.compare(official, sdg_texts.shipped_sdg())
    click.echo(differences.report())
    if not differences.same:
        sys.exit(1)


@reference.command("crosscheck")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Compare group memberships on this date (default 2024-06-30, the 2024 LDC list).",
)
def crosscheck(path: Path, on: dt.datetime | None) -> None:
    """Compare economies and groups with a country-codes classification table (M49, LDC/LLDC/SIDS).

    Lists every difference with the note in our data that explains it; exits 1 if any is unexplained.
    """
    from wsis.reference.crosscheck import ON, differences, read_table

    k = _load(None)
    try:
        rows = read_table(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from exc
    diffs = differences(k, rows, on.date() if on else ON)
    unexplained = [d for d in diffs if d.explanation is None]
    for d in diffs:
        status = "UNEXPLAINED" if d.explanation is None else f"explained: {d.explanation}"
        click.echo(f"{d.economy} {d.field}: ours {d.ours or '-'}, theirs {d.theirs or '-'} ({status})")
    click.echo(f"{len(rows)} rows compared: {len(diffs)} difference(s), {len(unexplained)} unexplained")
    if unexplained:
        sys.exit(1)
