"""``wsis sources add|list|pull|discrepancies``: the SDMX sources an international instance gathers from
(another instance of this software, or any SDMX 2.1 REST service), their pulls, and the differences
between national and ITU figures."""

from __future__ import annotations

import click

from wsis.cli.site import django_ready


@click.group()
def sources() -> None:
    """SDMX sources the international instance pulls (federation)."""


@sources.command("add")
@click.argument("name")
@click.argument("url")
@click.option(
    "--publisher", required=True, help="Who publishes it, e.g. 'Kenya National Bureau of Statistics'."
)
@click.option("--flow", "flows", multiple=True, required=True, help="Dataflow id to pull (repeatable).")
@click.option("--economy", "economies", multiple=True, help="ISO3 code the source is authoritative for.")
@click.option(
    "--kind", type=click.Choice(["national", "international"]), default="national", show_default=True
)
@click.option("--every", "every_hours", type=click.IntRange(1), help="Pull every N hours (background task).")
@click.option(
    "--sdmx-area", metavar="ID", help="The dimension holding the area (else settled by the reader)."
)
@click.option("--sdmx-indicator", metavar="ID[,ID...]", help="The dimension(s) making the indicator code.")
@click.option(
    "--case-studies",
    "case_studies_url",
    metavar="URL",
    help="Where it lists its country case studies (another instance: <site>/api/v1/case-studies).",
)
def add(
    name, url, publisher, flows, economies, kind, every_hours, sdmx_area, sdmx_indicator, case_studies_url
) -> None:
    """Register a source: NAME (a short slug) and the base URL of its SDMX 2.1 REST service."""
    django_ready()
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator, validate_slug

    from wsis.apps.federation.models import Source
    from wsis.apps.federation.tasks import schedule
    from wsis.reference.loader import knowledge

    try:
        validate_slug(name)
        URLValidator(schemes=["http", "https"])(url)
        if case_studies_url:
            URLValidator(schemes=["http", "https"])(case_studies_url)
    except ValidationError as exc:
        raise click.BadParameter(" ".join(exc.messages)) from exc
    known = set(knowledge().economies)
    unknown = [e for e in economies if e.upper() not in known]
    if unknown:
        raise click.BadParameter(f"unknown economy code(s) {', '.join(unknown)}", param_hint="--economy")
    options = {}
    if sdmx_area:
        options["area"] = sdmx_area
    if sdmx_indicator:
        options["indicator"] = sdmx_indicator.split(",")
    source, created = Source.objects.update_or_create(
        name=name,
        defaults={
            "url": url,
            "publisher": publisher,
            "flows": list(flows),
            "economies": sorted(e.upper() for e in economies),
            "kind": kind,
            "every_hours": every_hours,
            "sdmx": options,
            "case_studies_url": case_studies_url or "",
        },
    )
    click.echo(f"source {source.name} {'added' if created else 'updated'}: {url} ({', '.join(flows)})")
    if every_hours and schedule(source, first=True):
        click.echo(f"  pulled every {every_hours} h by the background tasks (`wsis worker`)")


@sources.command("list")
def list_() -> None:
    """The sources with their state and last successful pull."""
    django_ready()
    from wsis.apps.federation.models import Source

    for s in Source.objects.all():
        last = s.last_success_at.isoformat() if s.last_success_at else "never"
        economies = ", ".join(s.economies) or "any"
        click.echo(
            f"{s.name}  {s.url}  [{s.kind}] flows {', '.join(s.flows)}; economies {economies}"
            f"; {s.state}, last success {last}"
        )
        if s.case_studies_url:
            click.echo(f"  country case studies: {s.case_studies_url}")
        if s.last_error:
            click.echo(f"  error: {s.last_error}")


@sources.command("pull")
@click.argument("names", nargs=-1)
def pull_(names) -> None:
    """Pull the named sources (default: all) now; exits 1 when one is down or its data are refused."""
    django_ready()
    from wsis.apps.federation.domain.pull import pull
    from wsis.apps.federation.models import Pull, Source

    chosen = Source.objects.filter(name__in=names) if names else Source.objects.all()
    missing = sorted(set(names) - set(chosen.values_list("name", flat=True)))
    if missing:
        raise click.ClickException(f"no source {', '.join(missing)}; `wsis sources list` lists them")
    failed = []
    for source in chosen:
        record = pull(source)
        if record.status == Pull.Status.OK:
            r = record.release
            if r is not None:
                click.echo(f"{source.name}: release {r.id} '{r}' ({r.observation_count} observations)")
            if source.case_studies_url:
                click.echo(f"{source.name}: {record.case_studies} country case study(ies) added or changed")
        elif record.status == Pull.Status.UNCHANGED:
            click.echo(f"{source.name}: nothing new since {record.updated_after}")
        else:
            status = record.get_status_display()
            click.echo(
                f"{source.name}: {status} after {record.attempts} attempt(s): {record.error}", err=True
            )
            failed.append(source.name)
    if failed:
        raise click.ClickException(f"pull failed for {', '.join(failed)}; nothing was stored from them")
    if any(True for _ in chosen):
        from wsis.cli.publishing import refresh_after

        refresh_after("wsis sources pull")


@sources.command("discrepancies")
@click.option(
    "--threshold", type=click.FloatRange(0), default=5.0, show_default=True, help="Percent of ITU's figure."
)
@click.option("--economy", help="One economy (ISO3).")
def discrepancies_(threshold: float, economy: str | None) -> None:
    """National figures that differ from ITU's for the same indicator, economy and year."""
    django_ready()
    from wsis.apps.federation.domain.discrepancies import discrepancies

    items = discrepancies(threshold=threshold, economy=economy)
    for d in items:
        rel = f"{d.relative:+.1f}%" if d.relative is not None else "n/a"
        national, itu = d.national, d.itu
        click.echo(
            f"{d.economy} {d.indicator} {d.period} {d.breakdown}: "
            f"national {national.value} ({national.nature}, "
            f"{national.release}) vs ITU {itu.value} ({itu.nature}, {itu.release}) {rel}"
        )
    click.echo(f"{len(items)} discrepancy(ies) above {threshold}%")
