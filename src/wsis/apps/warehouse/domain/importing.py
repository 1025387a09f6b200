"""Import publisher files as one release: validate everything first, then write in one transaction.

The order matters and is the point of this module:

1. read every file through :func:`wsis.engine.readers.read` (format sniffed or forced), which validates
   schema, ranges by unit, periods and duplicate keys within the file, and flags quality warnings;
2. check what needs the database or the reference knowledge: known areas, duplicate keys across files,
   conflicts with what the same release already holds;
3. only if nothing is wrong (or ``skip_invalid`` was asked for, which writes the rejected rows to a file)
   write the release, its observations, its file summaries and its quality flags in one transaction, and
   move the ``is_latest`` marks.

A refused import raises :class:`ImportRefused` carrying every problem with file, row and column; the
database is then exactly as it was.

A release may carry a publication time (``publish_at``, an embargo): until then nothing of it is visible
to the public and its figures are not the latest; the import queues ``warehouse.tasks.lift_embargo`` to run
at that time, which makes them the latest, publishes the figures again and empties the page caches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import connection, transaction

from wsis.apps.operations.domain.locks import writer_lock
from wsis.apps.warehouse import clock
from wsis.apps.warehouse.domain.latest import refresh_latest
from wsis.apps.warehouse.domain.world import demonstration_present, retire_demonstration
from wsis.apps.warehouse.models import ImportedFile, Observation, QualityFlag, Release
from wsis.apps.warehouse.tasks import schedule_lift
from wsis.engine.readers import ReadError, SdmxOptions, read
from wsis.engine.readers.areas import EXTRA_ECONOMIES
from wsis.engine.readers.observation import KEY, Problem, concat
from wsis.reference.loader import knowledge

#: Publisher recorded for a release when the caller names none, by the prefix of the reader's name.
PUBLISHERS = {"itu": "ITU", "worldbank": "World Bank", "sdg": "UN Statistics Division"}
BATCH = 5000


class ImportRefused(Exception):
    """The import was refused; ``problems`` lists every error with file, row and column."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"import refused: {len(errors)} error(s); nothing was written")


@dataclass
class FileReport:
    name: str
    checksum: str
    reader: str
    source_records: int
    observations: int
    exclusions: list[dict]
    corrections: list[dict]


@dataclass
class ImportReport:
    release: Release
    created: bool
    written: int
    unchanged: int
    files: list[FileReport] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected: int = 0
    rejected_path: Path | None = None
    #: What this import removed of the demonstration world (the first real release retires it).
    retired: str | None = None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_all(
    paths: Sequence[Path], fmt: str | None, mapping: Path | None, sdmx_options: SdmxOptions | None = None
) -> tuple[pl.DataFrame, list[FileReport], list[Problem]]:
    frames: list[pl.DataFrame] = []
    reports: list[FileReport] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            result = read(path, format=fmt, mapping=mapping, sdmx_options=sdmx_options)
        except ReadError as exc:
            problems.append(exc.problem)
            continue
        problems.extend(result.problems)
        frames.append(result.frame.with_columns(pl.lit(path.name).alias("_file")))
        reports.append(
            FileReport(
                name=path.name,
                checksum=sha256(path),
                reader=result.reader,
                source_records=result.source_records,
                observations=result.frame.height,
                exclusions=[{"row": e.row, "reason": e.reason} for e in result.exclusions],
                corrections=[
                    {"rule": c.rule, "description": c.description, "rows": c.rows} for c in result.corrections
                ],
            )
        )
    if not frames:
        return pl.DataFrame(), reports, problems
    files = pl.concat([f.select("_file") for f in frames])
    return concat(f.drop("_file") for f in frames).with_columns(files["_file"]), reports, problems


def _known_areas(frame: pl.DataFrame) -> list[Problem]:
    """Economies must be economies of the reference knowledge, or areas that publishers report outside
    ISO 3166-1 (Kosovo, Channel Islands, Ascension, the former Netherlands Antilles)."""
    economies = set(knowledge().economies) | set(EXTRA_ECONOMIES)
    unknown = frame.filter((pl.col("area_kind") == "economy") & ~pl.col("area").is_in(list(economies)))
    return [
        Problem(file, row, "area", f"unknown economy code {area!r}")
        for file, row, area in unknown.select("_file", "source_row", "area").head(200).rows()
    ]


def _duplicates_across_files(frame: pl.DataFrame) -> list[Problem]:
    counted = frame.group_by(list(KEY)).agg(pl.col("_file").n_unique().alias("files"), pl.col("_file"))
    clashes = counted.filter(pl.col("files") > 1).head(200)
    return [
        Problem(
            ", ".join(sorted(set(row["_file"]))),
            None,
            None,
            f"the same observation key ({row['indicator']}, {row['area']}, {row['period']}) "
            "is in several files",
        )
        for row in clashes.iter_rows(named=True)
    ]


def _existing(release: Release | None, frame: pl.DataFrame) -> pl.DataFrame | None:
    if release is None:
        return None
    indicators = frame["indicator"].unique().to_list()
    rows = Observation.objects.filter(release=release, indicator__in=indicators).values_list(*KEY, "value")
    return pl.DataFrame(list(rows), schema=[*KEY, "value_before"], orient="row")


def _conflicts(frame: pl.DataFrame, before: pl.DataFrame | None) -> tuple[list[Problem], pl.DataFrame]:
    """Split ``frame`` into new rows; keys the release already holds must carry the same value."""
    if before is None or before.is_empty():
        return [], frame
    joined = frame.join(before, on=list(KEY), how="left")
    clash = joined.filter(
        pl.col("value_before").is_not_null() & ((pl.col("value") - pl.col("value_before")).abs() > 1e-9)
    )
    problems = [
        Problem(
            row["_file"],
            row["source_row"],
            "value",
            f"conflicts with the same release: {row['value']} here, {row['value_before']} already stored",
        )
        for row in clash.head(200).iter_rows(named=True)
    ]
    return problems, joined.filter(pl.col("value_before").is_null()).drop("value_before")


def import_release(
    paths: Sequence[Path],
    *,
    name: str | None = None,
    publisher: str | None = None,
    date: dt.date | None = None,
    origin: str | None = None,
    fmt: str | None = None,
    mapping: Path | None = None,
    skip_invalid: bool = False,
    rejected_path: Path | None = None,
    synthetic: bool = False,
    progress: Callable[[int, int], None] | None = None,
    sdmx_options: SdmxOptions | None = None,
    on_wait: Callable[[str], None] | None = None,
    publish_at: dt.datetime | None = None,
    frame_hook: Callable[[pl.DataFrame], list[Problem]] | None = None,
) -> ImportReport:
    """Import ``paths`` as one release (created, or completed if it exists). See the module docstring.

    ``progress(written, total)`` is called after each batch of rows written; ``sdmx_options`` say
    which component of a publisher's SDMX message is the area, the indicator... (``--sdmx-*``);
    ``on_wait(holder)`` is called when another data writer holds the writers' lock; ``publish_at`` (aware)
    embargoes a new release until that time; ``frame_hook(frame)`` may return more problems about the
    frame read (a federation source's rules: its economies), checked with the others before anything is
    written.
    """
    frame, reports, problems = _read_all(paths, fmt, mapping, sdmx_options)
    if not frame.is_empty():
        problems += _known_areas(frame) + _duplicates_across_files(frame)
        if frame_hook is not None:
            problems += frame_hook(frame)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    rejected = 0
    if errors and not skip_invalid:
        raise ImportRefused(problems)
    if errors:
        frame, rejected = _drop_invalid(frame, errors, reports, rejected_path)
    checksum = hashlib.sha256("".join(sorted(r.checksum for r in reports)).encode()).hexdigest()
    publisher = publisher or _publisher(reports)
    name = name or f"{reports[0].reader if reports else 'import'} {checksum[:12]}"
    # Files are read and checked side by side; from the comparison with what is stored to the commit,
    # imports (and refreshes) take turns (WritersBusy when another holds the lock past the wait).
    with writer_lock(f"import of {name!r}", on_wait=on_wait):
        return _store(
            frame,
            reports,
            warnings,
            rejected,
            rejected_path,
            publisher=publisher,
            name=name,
            checksum=checksum,
            date=date,
            origin=origin or ", ".join(str(p) for p in paths),
            synthetic=synthetic,
            progress=progress,
            publish_at=publish_at,
        )


def _store(
    frame: pl.DataFrame,
    reports: list[FileReport],
    warnings: list[Problem],
    rejected: int,
    rejected_path: Path | None,
    *,
    publisher: str,
    name: str,
    checksum: str,
    date: dt.date | None,
    origin: str,
    synthetic: bool,
    progress: Callable[[int, int], None] | None,
    publish_at: dt.datetime | None = None,
) -> ImportReport:
    release = Release.objects.filter(publisher=publisher, name=name).first()
    if release is not None and publish_at is not None and release.publish_at != publish_at:
        state = f"publication time {release.publish_at.isoformat()}" if release.publish_at else "public"
        message = f"release {release} already exists ({state}); completing it does not change its embargo"
        raise ImportRefused([Problem(name, None, None, message)])
    conflicts, new_rows = (
        _conflicts(frame, _existing(release, frame)) if not frame.is_empty() else ([], frame)
    )
    if conflicts:
        raise ImportRefused(conflicts)
    embargoed = publish_at is not None and publish_at > clock.now()
    with transaction.atomic():
        # The first real release ends the demonstration world, in this transaction: a refused or failed
        # import leaves the demonstration as it was, a successful one never blends with it. A release
        # under embargo ends it when the embargo is lifted (``tasks.lift_embargo``), not before.
        retired = None
        if not synthetic and not embargoed and demonstration_present():
            retired = str(retire_demonstration())
        created = release is None
        if release is None:
            release = Release.objects.create(
                publisher=publisher,
                name=name,
                date=date or dt.date.today(),
                origin=origin,
                checksum=checksum,
                synthetic=synthetic,
                publish_at=publish_at,
            )
        written = _write(release, new_rows, progress)
        new_files = _record_files(release, reports)
        QualityFlag.objects.bulk_create(
            QualityFlag(
                release=release, file=Path(w.file).name, row=w.row, column=w.column or "", message=w.message
            )
            for w in warnings
            if Path(w.file).name in new_files
        )
        release.observation_count = release.observations.count()
        release.save(update_fields=["observation_count"])
        if written:
            refresh_latest(new_rows["indicator"].unique().to_list(), release.id)
        if release.embargoed():
            # Queued in this transaction (the queue is in the database): the release and the task that
            # lifts its embargo are stored together or not at all.
            schedule_lift(release)
    return ImportReport(
        release=release,
        created=created,
        written=written,
        unchanged=frame.height - new_rows.height,
        files=reports,
        warnings=warnings,
        rejected=rejected,
        rejected_path=rejected_path if rejected else None,
        retired=retired,
    )


def _publisher(reports: list[FileReport]) -> str:
    names = {
        next((p for prefix, p in PUBLISHERS.items() if r.reader.startswith(prefix)), "unknown publisher")
        for r in reports
    }
    return " + ".join(sorted(names)) or "unknown publisher"


def _drop_invalid(
    frame: pl.DataFrame, errors: list[Problem], reports: list[FileReport], rejected_path: Path | None
) -> tuple[pl.DataFrame, int]:
    """``--skip-invalid``: keep the valid rows, write the rejected ones (with the reason) to a CSV file."""
    whole_files = {Path(e.file).name for e in errors if e.row is None}
    by_row = (
        pl.DataFrame(
            [
                (Path(e.file).name, e.row, f"{e.column or ''}: {e.message}")
                for e in errors
                if e.row is not None
            ],
            schema={"_file": pl.String, "source_row": pl.Int64, "reason": pl.String},
            orient="row",
        )
        .group_by("_file", "source_row")
        .agg(pl.col("reason").str.join("; "))
    )
    marked = frame.join(by_row, on=["_file", "source_row"], how="left").with_columns(
        pl.when(pl.col("_file").is_in(list(whole_files)))
        .then(pl.lit("the whole file was refused"))
        .otherwise(pl.col("reason"))
        .alias("reason")
    )
    rejected = marked.filter(pl.col("reason").is_not_null())
    if rejected_path is not None and rejected.height:
        from wsis.engine.readers.writers import neutralise

        rejected_path.parent.mkdir(parents=True, exist_ok=True)
        text_columns = [c for c, t in rejected.schema.items() if t == pl.String]
        neutralise(rejected, text_columns).write_csv(rejected_path)
    kept = marked.filter(pl.col("reason").is_null()).drop("reason")
    return kept, rejected.height + sum(1 for r in reports if r.name in whole_files)


def _write(release: Release, frame: pl.DataFrame, progress: Callable[[int, int], None] | None) -> int:
    """Insert the rows with one prepared statement per batch: the ORM's per-object work would cost
    twenty times the reading and validating of the same files (see bench/import)."""
    columns = [c for c in frame.columns if c != "_file"]
    table = Observation._meta.db_table
    names = ", ".join(connection.ops.quote_name(Observation._meta.get_field(c).column) for c in columns)
    sql = (
        f"INSERT INTO {table} (release_id, is_latest, {names}) "  # noqa: S608 - names from the model, not input
        f"VALUES ({', '.join(['%s'] * (len(columns) + 2))})"
    )
    written = 0
    with connection.cursor() as cursor:
        for batch in frame.select(columns).iter_slices(BATCH):
            cursor.executemany(sql, [(release.id, False, *row) for row in batch.iter_rows()])
            written += batch.height
            if progress:
                progress(written, frame.height)
    return written


def _record_files(release: Release, reports: list[FileReport]) -> set[str]:
    """Store each file's summary once per release; returns the names of files new to the release."""
    known = set(release.files.values_list("checksum", flat=True))
    new = [r for r in reports if r.checksum not in known]
    ImportedFile.objects.bulk_create(
        ImportedFile(
            release=release,
            name=r.name,
            checksum=r.checksum,
            reader=r.reader,
            source_records=r.source_records,
            observations=r.observations,
            exclusions=r.exclusions,
            corrections=r.corrections,
        )
        for r in new
    )
    return {r.name for r in new}
