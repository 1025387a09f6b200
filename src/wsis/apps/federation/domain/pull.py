"""A pull: fetch what a source published since the last successful pull and import it as one release.

The request is built by the ``sdmx1`` client (the source registered as an sdmx1 source, ``data(flow,
params={"updatedAfter": ...})``) and sent through its session, streamed to a file with a size limit; the
file is then read by the warehouse's own SDMX reader (which refuses DTDs, entities and oversized messages)
and imported by ``warehouse.domain.importing`` - every check of a file import applies, plus the source's
rule that it speaks only for its economies. The release records the URLs (origin), the files' SHA-256
(checksum) and the pull its time and query; the import and the pull's record are one transaction.

Transient failures (connection refused or reset, timeouts, 5xx) are retried ``WSIS_FEDERATION_RETRIES``
times with exponential back-off from ``WSIS_FEDERATION_BACKOFF_SECONDS``; a source still down is marked
``down``, its pull recorded as failed with the error, and logged at ERROR for staff - nothing is stored
from it. A message the source *did* send but that cannot be accepted (wrong structure, unknown codes,
too large, hostile XML) is refused at once, not retried, with the reader's one-line reason.

A source registered with the URL of its country case studies feed has them fetched and checked
(``case_study_pull``) before the transaction, and stored in it beside the release.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import requests
import sdmx
from django.conf import settings
from django.db import transaction

from wsis.apps.federation.domain import case_study_pull
from wsis.apps.federation.domain.transport import (
    MessageRefused,
    SourceDown,
    chunks,
    max_bytes,
    with_retries,
)
from wsis.apps.federation.models import Pull, Source
from wsis.apps.warehouse import clock
from wsis.apps.warehouse.domain.importing import ImportRefused, import_release
from wsis.engine.readers import SdmxOptions
from wsis.engine.readers.observation import Problem

log = logging.getLogger(__name__)

ACCEPT = (
    "application/vnd.sdmx.genericdata+xml;version=2.1, "
    "application/vnd.sdmx.structurespecificdata+xml;version=2.1;q=0.9, application/xml;q=0.5, */*;q=0.1"
)


@dataclass(frozen=True)
class Download:
    flow: str
    url: str
    path: Path | None  # None: the source has nothing new for this flow (404 No results found)
    checksum: str = ""
    size: int = 0


def client(source: Source) -> sdmx.Client:
    """An sdmx1 client for ``source`` (registered under its own id; SDMX 2.1 REST)."""
    sdmx.add_source(
        {"id": f"WSIS_{source.name.upper()}", "url": source.url.rstrip("/"), "name": source.publisher},
        override=True,
    )
    return sdmx.Client(f"WSIS_{source.name.upper()}")


def options(source: Source) -> SdmxOptions | None:
    o = source.sdmx or {}
    if not o:
        return None
    return SdmxOptions(
        area=o.get("area"),
        indicator=tuple(o.get("indicator", ())),
        period=o.get("period"),
        disaggregations=o.get("dimensions", {}),
        area_prefix=o.get("area_prefix"),
    )


def pull(source: Source, *, folder: Path | None = None) -> Pull:
    """Pull every flow of ``source`` since its last successful pull, and its country case studies when it
    lists them; returns the recorded :class:`Pull`.

    Never raises for the source's faults: a source down or a refused message is recorded (and logged);
    the caller reads ``pull.status``."""
    started = clock.now()
    since = source.last_success_at
    folder = folder or Path(settings.DATA_DIR) / "federation" / source.name / started.strftime(
        "%Y%m%dT%H%M%S%f"
    )
    folder.mkdir(parents=True, exist_ok=True)
    record = Pull(source=source, started_at=started, updated_after=since, status=Pull.Status.FAILED)
    sdmx_client = client(source)
    downloads: list[Download] = []
    try:
        for flow in source.flows:
            downloads.append(_download(sdmx_client, flow, since, folder, record))
        # The source's country case studies, fetched and checked before anything is written.
        feed = case_study_pull.fetch(source, sdmx_client.session, record) if source.case_studies_url else None
        record.urls = [d.url for d in downloads] + (feed.urls if feed else [])
        files = [d for d in downloads if d.path is not None]
        record.bytes = sum(d.size for d in files)
        if not files and not (feed and feed.changes):
            record.status = Pull.Status.UNCHANGED
            return _finish(source, record, ok=True)
        if files:
            record.checksum = hashlib.sha256("".join(sorted(d.checksum for d in files)).encode()).hexdigest()
        with transaction.atomic():
            if files:
                report = import_release(
                    [d.path for d in files if d.path is not None],
                    name=f"{source.name} pull {started:%Y-%m-%dT%H:%M:%S.%fZ}",
                    publisher=source.publisher,
                    date=started.date(),
                    origin=" ".join(d.url for d in downloads),
                    sdmx_options=options(source),
                    frame_hook=lambda frame: _outside_authority(source, frame),
                )
                record.release = report.release
            if feed:
                record.case_studies = case_study_pull.store(source, feed, at=started)
            record.status = Pull.Status.OK
            return _finish(source, record, ok=True)
    except SourceDown as exc:
        record.error = str(exc)
        record.status = Pull.Status.FAILED
        log.error("federation: source %s is down after %d attempt(s): %s", source, record.attempts, exc)
        return _finish(source, record, ok=False)
    except (MessageRefused, ImportRefused) as exc:
        record.status = Pull.Status.REFUSED
        record.urls = record.urls or [d.url for d in downloads]
        problems = getattr(exc, "problems", [])
        record.error = "; ".join(_short(p) for p in problems[:20] if p.severity == "error") or str(exc)
        log.error("federation: data from source %s refused: %s", source, record.error)
        return _finish(source, record, ok=False)


def _short(problem: Problem) -> str:
    where = Path(problem.file).name if problem.file else ""
    row = f", row {problem.row}" if problem.row is not None else ""
    return f"{where}{row}: {problem.message}"


def _finish(source: Source, record: Pull, *, ok: bool) -> Pull:
    record.finished_at = clock.now()
    record.save()
    if ok:
        source.state = Source.State.OK
        source.last_error = ""
        source.last_success_at = record.started_at
    else:
        source.state = Source.State.DOWN if record.status == Pull.Status.FAILED else Source.State.REFUSED
        source.last_error = record.error
    source.save(update_fields=["state", "last_error", "last_success_at"])
    return record


def _download(
    sdmx_client: sdmx.Client, flow: str, since: dt.datetime | None, folder: Path, record: Pull
) -> Download:
    params = {"updatedAfter": since.isoformat().replace("+00:00", "Z")} if since else {}
    request = sdmx_client.data(flow, params=params, dry_run=True)
    request.headers["Accept"] = ACCEPT
    return with_retries(
        str(request.url), lambda: _fetch(sdmx_client, request, flow, folder), lambda: _count(record)
    )


def _count(record: Pull) -> None:
    record.attempts += 1


def _fetch(sdmx_client: sdmx.Client, request: requests.PreparedRequest, flow: str, folder: Path) -> Download:
    parts = chunks(sdmx_client.session, request, max_bytes())
    if parts is None:
        # SDMX 2.1: 404 "No results found" - nothing (new) for this query.
        return Download(flow, str(request.url), None)
    digest, size, head = hashlib.sha256(), 0, b""
    part = folder / f"{_safe(flow)}.part"
    with part.open("wb") as handle:
        for chunk in parts:
            size += len(chunk)
            if len(head) < 64:
                head += chunk[:64]
            digest.update(chunk)
            handle.write(chunk)
    start = head.lstrip()[:1]
    path = part.with_suffix(".json" if start in (b"{", b"[") else ".xml" if start == b"<" else ".csv")
    part.rename(path)
    return Download(flow, str(request.url), path, digest.hexdigest(), size)


def _safe(flow: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in flow)[:80] or "flow"


def _outside_authority(source: Source, frame: pl.DataFrame) -> list[Problem]:
    """A source speaks for its economies only: a figure of another economy is an error of the pull."""
    if not source.economies:
        return []
    allowed = {e.upper() for e in source.economies}
    outside = frame.filter((pl.col("area_kind") == "economy") & ~pl.col("area").is_in(list(allowed)))
    return [
        Problem(
            file,
            row,
            "area",
            f"economy {area!r} is outside the source's authority ({', '.join(sorted(allowed))})",
        )
        for file, row, area in outside.select("_file", "source_row", "area").head(50).rows()
    ]
