"""Bulk imports in the background (issue 14): the upload stores the file and queues the import; a worker
(``wsis worker``) runs it with the checks of ``importing.import_file`` - all or nothing - and records the
report. Progress (records checked out of the file's total) goes through the shared cache, because the import
itself is one transaction that nobody else can see into until it ends."""

from __future__ import annotations

import uuid
from dataclasses import asdict

import rules
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from wsis.apps.registry.domain.importing import ImportReport, import_file
from wsis.apps.registry.models import BulkImport

#: Progress is written at most this many times per import (a 3,500-row table is not 3,500 cache writes).
PROGRESS_STEPS = 50


def _progress_key(key: uuid.UUID | str) -> str:
    return f"registry-import-progress:{key}"


def queue_import(*, name: str, content: bytes, organization, actor) -> BulkImport:
    """Store the file and queue its import once the upload's transaction commits (a worker must not look
    for a row it cannot see yet)."""
    from wsis.apps.registry.tasks import import_bulk_file

    bulk = BulkImport.objects.create(
        key=uuid.uuid4(),
        organization=organization,
        actor=actor,
        name=name,
        size=len(content),
        content=content,
    )
    transaction.on_commit(lambda: import_bulk_file.enqueue(str(bulk.key)))
    return bulk


def progress(bulk: BulkImport) -> tuple[int, int] | None:
    """(records checked, records in the file) while the import runs; None before it has read the file."""
    if bulk.finished:
        return None
    found = cache.get(_progress_key(bulk.key))
    if not found:
        return None
    done, total = found
    return done, total


def report_of(bulk: BulkImport) -> ImportReport | None:
    return ImportReport(**bulk.report) if bulk.report else None


def run_import(key: str) -> str:
    """Run one queued import; returns its final status. An import runs at most once: a second worker that
    picks up the same task finds it no longer queued."""
    with transaction.atomic():
        bulk = BulkImport.objects.select_for_update().filter(key=key).first()
        if bulk is None or bulk.status != BulkImport.Status.QUEUED:
            return bulk.status if bulk else "missing"
        bulk.status, bulk.started_at = BulkImport.Status.RUNNING, timezone.now()
        bulk.save(update_fields=["status", "started_at"])

    def record(done: int, total: int) -> None:
        if done == total or done % max(1, total // PROGRESS_STEPS) == 0:
            cache.set(_progress_key(key), (done, total), timeout=24 * 3600)

    if bulk.actor is None or not rules.has_perm("registry.import_entries", bulk.actor, bulk.organization):
        # Membership is checked again: the uploader may have left the organization while the file waited.
        who = bulk.actor.get_username() if bulk.actor else "the person who uploaded it"
        refused = f"{bulk.name}: {who} may no longer import entries for {bulk.organization.name}"
        return _finish(bulk, ImportReport(source=bulk.name, errors=[refused]))
    try:
        report = import_file(
            name=bulk.name,
            content=bytes(bulk.content),
            organization=bulk.organization,
            actor=bulk.actor,
            progress=record,
        )
    except Exception as exc:  # noqa: BLE001 - whatever stopped it, the organization gets a report, not silence
        # import_file's own transaction has rolled back: nothing of the file is stored.
        report = ImportReport(
            source=bulk.name, errors=[f"{bulk.name}: the import stopped ({type(exc).__name__}: {exc})"]
        )
    return _finish(bulk, report)


def _finish(bulk: BulkImport, report: ImportReport) -> str:
    bulk.status = BulkImport.Status.DONE if report.ok else BulkImport.Status.FAILED
    bulk.report, bulk.content, bulk.finished_at = asdict(report), b"", timezone.now()
    bulk.save(update_fields=["status", "report", "content", "finished_at"])
    cache.delete(_progress_key(bulk.key))
    return bulk.status
