"""Bulk import of IATI XML, CSV and XLSX into one organization. All or nothing: the whole file is checked
first; any problem leaves the database unchanged and the report names the file, row or activity, and field.
Entries whose IATI identifier already exists in the organization are updated (a new version); new ones
are created and submitted for review, except IATI activities whose action lines were only suggested (from
their DAC sectors and SDG tags): those stay drafts for the organization to confirm, unless the organization
asked for automatic submission (``Organization.submit_imports``), which sends them to the facilitators'
queue too. IATI activities with nothing ICT-related are skipped and listed with the reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.domain.entries import create_initiative, update_initiative
from wsis.apps.registry.domain.workflow import submit
from wsis.apps.registry.enums import State
from wsis.apps.registry.interfaces import iati, tabular
from wsis.apps.registry.models import Initiative, Version
from wsis.engine.readers.observation import ReadError


@dataclass
class ImportReport:
    source: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: IATI activities not imported (no ICT-related sector or tag), each with its reason.
    skipped: list[str] = field(default_factory=list)
    #: Parts of the file left out (a malformed location, a link without address).
    warnings: list[str] = field(default_factory=list)
    #: Entries whose action lines were suggested from DAC sectors / SDG tags: drafts to confirm.
    suggested: list[str] = field(default_factory=list)
    #: Entries with suggested lines submitted at once (the organization asked for automatic submission).
    queued: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rollback(Exception):
    pass


def _records(name: str, content: bytes, report: ImportReport) -> list[tuple[str, dict]]:
    lower = name.lower()
    if lower.endswith(".xml"):
        read = iati.read_file(content, source=name)
        report.skipped, report.warnings = read.skipped, read.warnings
        return [(f"{name} activity {e['iati_identifier']}", e) for e in read.entries]
    if lower.endswith((".csv", ".xlsx")):
        rows = tabular.read_csv(content) if lower.endswith(".csv") else tabular.read_xlsx(content)
        records, errors = [], []
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            try:
                records.append((f"{name} row {number}", tabular.data_of(row)))
            except tabular.RowError as exc:
                errors.append(f"{name} row {number}: {exc}")
        if errors:
            raise iati.IatiRefused(errors)
        return records
    raise iati.IatiRefused([f"{name}: unknown file type; use .xml (IATI 2.03), .csv or .xlsx"])


# A bulk file larger than this is refused before parsing (settings.WSIS_REGISTRY_IMPORT_MAX_BYTES).
DEFAULT_MAX_BYTES = 20 * 2**20


def import_limit() -> int:
    return int(getattr(settings, "WSIS_REGISTRY_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def import_file(
    *, name: str, content: bytes, organization, actor, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """``progress(done, total)`` is told how far the check of the records has gone (background imports)."""
    report = ImportReport(source=name)
    limit = import_limit()
    if len(content) > limit:
        report.errors = [f"{name}: {len(content)} bytes; the limit is {limit}"]
        return report
    try:
        records = _records(name, content, report)
    except iati.IatiRefused as exc:
        report.errors = exc.reasons
        return report
    except ReadError as exc:  # the warehouse's container check: not a workbook, or a zip bomb
        report.errors = [f"{name}: {exc.problem.message}"]
        return report
    except Exception as exc:  # noqa: BLE001 - a broken spreadsheet must give a report, not a server error
        report.errors = [f"{name}: cannot be read ({type(exc).__name__}: {exc})"]
        return report
    if not records:
        if not report.skipped:
            report.errors = [f"{name}: no entries found"]
        return report
    try:
        with transaction.atomic():
            for done, (where, data) in enumerate(records):
                if progress is not None:
                    progress(done, len(records))
                # Suggested action lines are for the organization to confirm: the entry stays a draft.
                because = data.pop("suggested_because", None)
                note = f"; action lines suggested from {', '.join(because)}" if because else ""
                ident = data.get("iati_identifier")
                existing = Initiative.objects.filter(iati_identifier=ident).first() if ident else None
                try:
                    if existing is not None and existing.organization_id != organization.pk:
                        raise RegistryError(f"iati_identifier: {ident} belongs to another organization")
                    if existing is not None:
                        if existing.state not in (State.DRAFT, State.CHANGES_REQUESTED, State.PUBLISHED):
                            raise RegistryError(
                                f"state: {existing.ref} is {existing.state} and cannot change now"
                            )
                        if because:
                            # An entry already in the registry keeps the lines it has been given.
                            data.pop("action_lines", None)
                        update_initiative(
                            initiative=existing, author=actor, data=data, note=f"imported from {name}{note}"
                        )
                        report.updated.append(existing.ref)
                    else:
                        entry = create_initiative(organization=organization, author=actor, data=data)
                        if because:
                            Version.objects.filter(initiative=entry, number=entry.version).update(
                                note=f"created from {name}{note}"
                            )
                        if because and not organization.submit_imports:
                            report.suggested.append(entry.ref)
                        else:
                            submit(initiative=entry, actor=actor)
                            if because:
                                report.queued.append(entry.ref)
                        report.created.append(entry.ref)
                except RegistryError as exc:
                    report.errors.append(f"{where}: {exc}")
            if progress is not None:
                progress(len(records), len(records))
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.created, report.updated, report.suggested, report.queued = [], [], [], []
    return report
