"""The stocktaking registry's commands: ``wsis registry import-iati``.

The import goes through the same function, with the same checks and permission, as the web upload
(``/registry/import/``): all or nothing, entries matched by IATI identifier are updated (a new version),
never duplicated.
"""

from __future__ import annotations

from pathlib import Path

import click

from wsis.cli.site import django_ready


@click.group()
def registry() -> None:
    """The WSIS stocktaking registry."""


def _organization(text: str):
    from wsis.apps.accounts.models import Organization

    found = (
        Organization.objects.filter(name=text).first() or Organization.objects.filter(iati_ref=text).first()
    )
    if found is None and text.isdigit():
        found = Organization.objects.filter(pk=int(text)).first()
    if found is None:
        raise click.BadParameter(f"no organization {text!r} (give its id, name or IATI identifier)")
    return found


def _user(text: str):
    from django.contrib.auth import get_user_model

    model = get_user_model()
    found = model.objects.filter(username=text).first() or model.objects.filter(email__iexact=text).first()
    if found is None:
        raise click.BadParameter(f"no user {text!r} (give a user name or e-mail address)")
    return found


@registry.command("import-iati")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--organization",
    "org",
    required=True,
    help="The organization the entries belong to (id, name, IATI ref).",
)
@click.option(
    "--user",
    "username",
    required=True,
    help="Who imports (user name or e-mail): a member of the organization, named in the entries' history.",
)
def import_iati(path: Path, org: str, username: str) -> None:
    """Import an IATI 2.0x activity file into the registry, as the web upload does.

    Activities with WSIS action lines are submitted for review; those whose lines are only suggested
    from their DAC sectors and SDG tags come in as drafts to confirm (or are submitted too when the
    organization asked for automatic submission); those with nothing ICT-related are skipped and listed
    with the reason. Any error leaves the registry unchanged and exits 1.
    """
    django_ready()
    import rules

    from wsis.apps.registry.domain.importing import import_file

    organization = _organization(org)
    user = _user(username)
    if not rules.has_perm("registry.import_entries", user, organization):
        raise click.ClickException(f"{username} may not import entries for {organization.name}")
    report = import_file(name=path.name, content=path.read_bytes(), organization=organization, actor=user)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if report.errors:
        raise click.ClickException(f"{path.name}: import refused: nothing was changed")
    submitted = [ref for ref in report.created if ref not in report.suggested]
    click.echo(
        f"{path.name}: {len(submitted)} created and submitted, {len(report.suggested)} created as drafts "
        f"with suggested action lines, {len(report.updated)} updated, {len(report.skipped)} skipped"
    )
    for ref in report.suggested:
        click.echo(f"  draft {ref}: confirm its suggested action lines")
    for ref in report.queued:
        click.echo(f"  submitted {ref}: suggested action lines, for the facilitators to review")
    for line in report.skipped:
        click.echo(f"  {line}")
    for line in report.warnings[:20]:
        click.echo(f"  warning: {line}")
    if len(report.warnings) > 20:
        click.echo(f"  ... and {len(report.warnings) - 20} more warnings")


@registry.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organization", "org", required=True, help="The organization (id, name, IATI ref).")
@click.option("--user", "username", required=True, help="Who imports (user name or e-mail): a member.")
@click.pass_context
def import_entries(ctx: click.Context, path: Path, org: str, username: str) -> None:
    """Import entries from a CSV or XLSX table (the columns of the registry dump) or an IATI XML file,
    with the checks of the web upload (size limit, zip-bomb guard, every row validated, all or nothing)."""
    django_ready()
    from wsis.apps.registry.domain.importing import import_limit

    if path.stat().st_size > import_limit():  # refused before reading, as the web upload does
        raise click.ClickException(
            f"{path.name}: {path.stat().st_size} bytes; the limit is {import_limit()} "
            "(WSIS_REGISTRY_IMPORT_MAX_BYTES): nothing was changed"
        )
    ctx.invoke(import_iati, path=path, org=org, username=username)
