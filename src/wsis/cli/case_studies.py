"""``wsis case-studies add|list|withdraw``: the country case studies (para 100a) this instance publishes -
documents about an economy's ICT data or policy, tied to indicators and action lines. Other instances copy
them with their pulls (``wsis sources add --case-studies``)."""

from __future__ import annotations

from pathlib import Path

import click

from wsis.cli.site import django_ready


@click.group("case-studies")
def case_studies() -> None:
    """Country case studies published by this instance (para 100a)."""


@case_studies.command("add")
@click.option("--economy", required=True, help="ISO3 code of the economy it is about.")
@click.option("--title", required=True)
@click.option("--publisher", required=True, help="Who wrote it, e.g. 'Kenya National Bureau of Statistics'.")
@click.option("--date", "published_on", required=True, help="Publication date, YYYY-MM-DD.")
@click.option("--language", required=True, help="The document's language, ISO 639-1 (en, fr, sw...).")
@click.option("--summary", default="", help="A few sentences on what it finds.")
@click.option("--indicator", "indicators", multiple=True, help="Indicator code it is about (repeatable).")
@click.option(
    "--action-line", "action_lines", multiple=True, help="Action line code, e.g. C7.b (repeatable)."
)
@click.option(
    "--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="PDF, PNG or JPEG."
)
@click.option("--link", default="", help="Or the document's URL, where it is published elsewhere.")
def add(economy, title, publisher, published_on, language, summary, indicators, action_lines, path, link):
    """Publish a case study; every problem is named and nothing is stored when one is found."""
    django_ready()
    from wsis.apps.federation.domain.case_studies import CaseStudyRefused, Document, Draft, max_bytes, publish

    document = None
    if path is not None:
        with path.open("rb") as handle:
            document = Document(path.name, handle.read(max_bytes() + 1))
    draft = Draft(
        economy=economy,
        title=title,
        publisher=publisher,
        published_on=published_on,
        language=language,
        summary=summary,
        indicators=indicators,
        action_lines=action_lines,
        document=document,
        link=link,
    )
    try:
        case = publish(draft)
    except CaseStudyRefused as exc:
        raise click.ClickException(
            "case study refused, nothing stored:\n  " + "\n  ".join(exc.problems)
        ) from exc
    click.echo(f"case study {case.pk} published: {case.economy_id} {case.title}")


@case_studies.command("list")
@click.option("--economy", help="One economy (ISO3).")
def list_(economy: str | None) -> None:
    """The case studies shown to the public, newest first, with where each came from."""
    django_ready()
    from wsis.apps.federation.domain.case_studies import public

    found = public()
    if economy:
        found = found.filter(economy=economy.upper())
    for case in found:
        where = f"from {case.source.name} ({case.origin})" if case.source else "published here"
        document = (
            f"{case.file_name}, {case.size} bytes, sha256 {case.sha256}" if case.stored_as else case.link
        )
        click.echo(f"{case.pk}  {case.economy_id}  {case.published_on}  [{case.language}] {case.title}")
        lines = ", ".join(a.pk for a in case.action_lines.all()) or "-"
        indicators = ", ".join(i.pk for i in case.indicators.all()) or "-"
        click.echo(f"  {document}; action lines {lines}; indicators {indicators}; {where}")


@case_studies.command("withdraw")
@click.argument("case_id", type=int)
def withdraw_(case_id: int) -> None:
    """Stop showing a case study published here (it is kept, with its document)."""
    django_ready()
    from django.utils import timezone

    from wsis.apps.federation.domain.case_studies import withdraw
    from wsis.apps.federation.models import CaseStudy

    case = CaseStudy.objects.filter(pk=case_id, source=None).first()
    if case is None:
        raise click.ClickException(
            f"no case study {case_id} published here; `wsis case-studies list` lists them"
        )
    withdraw(case, at=timezone.now())
    click.echo(f"case study {case_id} withdrawn")
