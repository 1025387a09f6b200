"""``wsis backup`` and ``wsis restore``: everything a deployment holds, in one portable archive.

The archive is a tar file (gzip) with:

- ``manifest.json``: format and version, when and from which engine, the applied migrations, every
  table with its columns, rows and checksum (``tables.checksums``), and every other member with its
  SHA-256 and size;
- ``tables/<table>.jsonl``: one JSON array per row, the same text on SQLite and PostgreSQL, so an archive
  moves a deployment from one engine to the other;
- ``attachments/...``: the registry's attachment files, byte for byte;
- ``native/postgresql.dump`` (PostgreSQL only): the same state as ``pg_dump`` writes it (custom format,
  taken from the very snapshot the tables were read from), which ``wsis restore --native`` gives to
  ``pg_restore``: the database's own tool, for a large PostgreSQL deployment restored into PostgreSQL.

A backup reads one consistent state while the site runs: on SQLite from a copy made by SQLite's online
backup API, on PostgreSQL inside one repeatable-read, read-only transaction. A restore first checks
every member against the manifest (nothing is changed if one differs), brings the target's schema to
the archive's migrations, refuses a target that holds data unless ``replace`` is asked, then loads every
table in one transaction and checks each table's checksum before committing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

import wsis
from wsis.apps.operations.domain import tables
from wsis.apps.operations.domain.locks import writer_lock

FORMAT, VERSION = "wsis-backup", 1
SNAPSHOT = "wsis_backup_snapshot"
NATIVE = "native/postgresql.dump"


class RestoreRefused(Exception):
    """The archive or the target is not fit for a restore; nothing was changed."""


class RestoreDiffers(Exception):
    """pg_restore committed, but a table's checksum differs from the archive's."""


class BackupFailed(Exception):
    """A tool the backup needs is missing or failed; no archive was written."""


@dataclass
class BackupReport:
    path: Path
    tables: int
    rows: int
    attachments: int
    bytes: int


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def applied_migrations(using: str = "default") -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connections[using]).applied_migrations())


@contextmanager
def _snapshot(work: Path) -> Iterator[str]:
    """A database alias reading one consistent state of the default database while others write."""
    base = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        copy = work / "snapshot.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)  # SQLite's online backup API: writers go on meanwhile
        finally:
            target.close()
        base["NAME"] = str(copy)
    connections.settings[SNAPSHOT] = base
    try:
        with transaction.atomic(using=SNAPSHOT):
            if connections[SNAPSHOT].vendor == "postgresql":
                with connections[SNAPSHOT].cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield SNAPSHOT
    finally:
        connections[SNAPSHOT].close()
        del connections[SNAPSHOT]
        del connections.settings[SNAPSHOT]


def backup(path: Path, *, progress: Callable[[str], None] | None = None) -> BackupReport:
    """Write the archive of the whole deployment to ``path`` (see the module docstring)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".wsis-backup-") as tmp:
        work = Path(tmp)
        (work / "tables").mkdir()
        files: dict[str, dict[str, Any]] = {}
        described: dict[str, dict[str, Any]] = {}
        native = None
        with _snapshot(work) as alias:
            migrations = applied_migrations(alias)
            if connections[alias].vendor == "postgresql":
                native = _pg_dump(alias, work / NATIVE)
                if progress:
                    progress(f"{NATIVE}: pg_dump of the same snapshot")
            for model in tables.archived_models():
                table = model._meta.db_table
                digest = tables.Digest()
                member = f"tables/{table}.jsonl"
                with (work / member).open("w", encoding="utf-8") as out:
                    for line in tables.rows(model, alias):
                        digest.add(line)
                        out.write(line + "\n")
                described[table] = {
                    "columns": [f.column for f in tables.fields(model)],
                    "rows": digest.rows,
                    "sha256": digest.hexdigest(),
                }
                if progress:
                    progress(f"{table}: {digest.rows} rows")
        attachments = _attachment_files()
        for name, source in attachments.items():
            files[name] = {"sha256": _sha256(source), "bytes": source.stat().st_size}
        for member in sorted((work / "tables").iterdir()):
            files[f"tables/{member.name}"] = {"sha256": _sha256(member), "bytes": member.stat().st_size}
        if native is not None:
            files[NATIVE] = {"sha256": _sha256(native), "bytes": native.stat().st_size}
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "engine": connection.vendor,
            "wsis_version": wsis.__version__,
            "migrations": migrations,
            "tables": described,
            "files": files,
            "native": NATIVE if native is not None else None,
        }
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
            for member in sorted((work / "tables").iterdir()):
                archive.add(member, arcname=f"tables/{member.name}")
            for name, source in attachments.items():
                archive.add(source, arcname=name)
            if native is not None:
                archive.add(native, arcname=NATIVE)
        os.replace(partial, path)  # a reader never sees half an archive
    return BackupReport(
        path=path,
        tables=len(described),
        rows=sum(t["rows"] for t in described.values()),
        attachments=len(attachments),
        bytes=path.stat().st_size,
    )


def postgresql_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: the newest of Debian's versioned installs (a client older than the
    server refuses to dump it), else the one on PATH."""
    import glob

    versioned = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    found = versioned[-1] if versioned else shutil.which(name)
    if not found:
        raise BackupFailed(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _libpq(alias: str) -> tuple[str, dict[str, str]]:
    """The connection string of a database alias for PostgreSQL's own tools, and their environment (the
    password goes in PGPASSWORD, never on a command line that ``ps`` shows)."""
    from psycopg.conninfo import make_conninfo

    db = connections[alias].settings_dict
    parts = {"dbname": db["NAME"], "host": db.get("HOST"), "port": db.get("PORT"), "user": db.get("USER")}
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return make_conninfo(**{k: str(v) for k, v in parts.items() if v}), env


def _pg_dump(alias: str, out: Path) -> Path:
    """pg_dump of the snapshot alias's transaction (``pg_export_snapshot``): the native dump holds exactly
    the rows the portable tables hold, however many writers run meanwhile."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
    conninfo, env = _libpq(alias)
    done = subprocess.run(
        [postgresql_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
         f"--snapshot={snapshot}", f"--file={out}", conninfo],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupFailed(f"pg_dump failed: {done.stderr.strip()}")
    return out


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _attachment_files() -> dict[str, Path]:
    root = Path(settings.WSIS_REGISTRY_ATTACHMENT_DIR)
    if not root.is_dir():
        return {}
    return {
        f"attachments/{p.relative_to(root).as_posix()}": p for p in sorted(root.rglob("*")) if p.is_file()
    }


# ---- restore ----


@dataclass
class RestoreReport:
    tables: int
    rows: int
    attachments: int
    engine_from: str
    engine_to: str


def read_verified(path: Path, into: Path) -> dict[str, Any]:
    """Check every member of the archive against its manifest while extracting it under ``into``; the
    manifest. Raises :class:`RestoreRefused` naming the first problem."""
    try:
        archive = tarfile.open(path, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise RestoreRefused(f"{path}: not a backup archive ({exc})") from exc
    with archive:
        try:
            first = archive.extractfile("manifest.json")
            manifest = json.loads(first.read()) if first else None
        except (KeyError, ValueError) as exc:
            raise RestoreRefused(f"{path}: no readable manifest.json ({exc})") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise RestoreRefused(f"{path}: manifest.json is not a {FORMAT} manifest")
        if manifest.get("version") != VERSION:
            raise RestoreRefused(f"{path}: archive version {manifest.get('version')}, expected {VERSION}")
        expected: dict[str, dict[str, Any]] = manifest["files"]
        seen = set()
        for member in archive:
            if member.name == "manifest.json":
                continue
            name = PurePosixPath(member.name)
            if member.name not in expected or name.is_absolute() or ".." in name.parts or not member.isfile():
                raise RestoreRefused(f"{path}: member {member.name!r} is not listed in the manifest")
            target = into / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            source = archive.extractfile(member)
            assert source is not None
            with target.open("wb") as out:
                for block in iter(lambda s=source: s.read(1 << 20), b""):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
            want = expected[member.name]
            if digest.hexdigest() != want["sha256"] or size != want["bytes"]:
                raise RestoreRefused(
                    f"{path}: {member.name} does not match its checksum in the manifest (damaged or changed)"
                )
            seen.add(member.name)
        missing = sorted(set(expected) - seen)
        if missing:
            raise RestoreRefused(f"{path}: {len(missing)} member(s) missing, first {missing[0]}")
    for table in manifest["tables"]:
        if f"tables/{table}.jsonl" not in seen:
            raise RestoreRefused(f"{path}: the table {table} is described but not in the archive")
    return manifest


def _same_migrations(archived: list[str]) -> None:
    """The archive must come from the schema this code builds: checked before anything is changed."""
    from django.db.migrations.loader import MigrationLoader

    ours = sorted(f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations)
    if ours != sorted(archived):
        extra = sorted(set(ours) - set(archived))
        lacking = sorted(set(archived) - set(ours))
        raise RestoreRefused(
            "the archive was made with other migrations than this installation has "
            f"(here only: {', '.join(extra[:5]) or '-'}; archive only: {', '.join(lacking[:5]) or '-'}); "
            "restore it with the wsis version that made it"
        )


def _holding_data() -> list[str]:
    with connection.cursor() as cursor:
        found = []
        for model in tables.archived_models():
            table = model._meta.db_table
            if table in tables.FILLED_BY_MIGRATE:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return found


def restore(
    path: Path,
    *,
    replace: bool = False,
    native: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RestoreReport:
    """Restore the archive ``path`` into this deployment (see the module docstring). ``native`` restores a
    PostgreSQL archive into PostgreSQL with pg_restore instead of loading the portable tables."""
    from django.core.management import call_command

    path = Path(path)
    attachments_dir = Path(settings.WSIS_REGISTRY_ATTACHMENT_DIR)
    attachments_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=attachments_dir.parent, prefix=".wsis-restore-") as tmp:
        work = Path(tmp)
        manifest = read_verified(path, work)
        if progress:
            progress(f"{path}: {len(manifest['files'])} members match the manifest")
        _same_migrations(manifest["migrations"])
        if native:
            _check_native(manifest, replace, attachments_dir)
            _pg_restore(work / NATIVE, manifest, progress)
            _swap_attachments(work / "attachments", attachments_dir)
            _clear_caches()
            return _restored(manifest)
        call_command("migrate", interactive=False, verbosity=0)
        if not replace:
            holding = _holding_data()
            if holding:
                raise RestoreRefused(
                    f"the target database holds data ({', '.join(holding[:4])}...); restore into an empty "
                    "database, or pass --replace to delete everything it holds first"
                )
            if attachments_dir.is_dir() and any(attachments_dir.iterdir()):
                raise RestoreRefused(f"{attachments_dir} holds files; pass --replace to replace them")
        with writer_lock("wsis restore"), transaction.atomic():
            _load(manifest, work, progress)
        _swap_attachments(work / "attachments", attachments_dir)
    _clear_caches()
    return _restored(manifest)


def _restored(manifest: dict[str, Any]) -> RestoreReport:
    restored_files = [n for n in manifest["files"] if n.startswith("attachments/")]
    return RestoreReport(
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        attachments=len(restored_files),
        engine_from=manifest["engine"],
        engine_to=connection.vendor,
    )


def _check_native(manifest: dict[str, Any], replace: bool, attachments_dir: Path) -> None:
    if manifest.get("native") != NATIVE:
        made_on = manifest["engine"]
        raise RestoreRefused(f"the archive was made on {made_on}: it has no pg_dump to restore natively")
    if connection.vendor != "postgresql":
        raise RestoreRefused(
            "--native restores into PostgreSQL only; without it the archive restores anywhere"
        )
    if replace:
        return
    existing = set(connection.introspection.table_names())
    holding = []
    with connection.cursor() as cursor:
        for table in sorted(existing & set(manifest["tables"]) - set(tables.FILLED_BY_MIGRATE)):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                holding.append(table)
    if holding:
        raise RestoreRefused(
            f"the target database holds data ({', '.join(holding[:4])}...); restore into an empty "
            "database, or pass --replace to delete everything it holds first"
        )
    if attachments_dir.is_dir() and any(attachments_dir.iterdir()):
        raise RestoreRefused(f"{attachments_dir} holds files; pass --replace to replace them")


def _pg_restore(dump: Path, manifest: dict[str, Any], progress: Callable[[str], None] | None) -> None:
    """pg_restore in one transaction (all or nothing), replacing what the dump holds; then every table's
    checksum is compared with the manifest's. The site should be stopped: pg_restore drops and recreates
    the tables, so it cannot take the writer lock that lives in one of them."""
    connection.close()  # our own session must not hold locks on the tables pg_restore drops
    conninfo, env = _libpq("default")
    done = subprocess.run(
        [postgresql_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", f"--dbname={conninfo}", str(dump)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:  # --single-transaction: nothing of it was committed
        raise RestoreRefused(f"pg_restore failed and was rolled back: {done.stderr.strip()[:2000]}")
    if progress:
        progress(f"{NATIVE}: restored by pg_restore")
    got = tables.checksums()
    differ = [
        t for t, d in manifest["tables"].items() if got.get(t) != {"rows": d["rows"], "sha256": d["sha256"]}
    ]
    if differ:
        raise RestoreDiffers(
            f"pg_restore finished but {len(differ)} table(s) differ from the archive's checksums "
            f"(first {differ[0]}): restore the portable tables instead (without --native)"
        )


def _load(manifest: dict[str, Any], work: Path, progress: Callable[[str], None] | None) -> None:
    by_table = {m._meta.db_table: m for m in tables.archived_models()}
    unknown = sorted(set(manifest["tables"]) - set(by_table))
    if unknown:
        raise RestoreRefused(
            f"the archive holds tables this installation does not know: {', '.join(unknown)}"
        )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Everything goes, the derived tables too; foreign keys are checked at commit (deferred).
        for model in tables.every_model():
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608 - names from the models
        for table, described in manifest["tables"].items():
            model = by_table[table]
            fields = tables.fields(model)
            if [f.column for f in fields] != described["columns"]:
                raise RestoreRefused(f"{table}: the archive's columns differ from this installation's")
            sql = (
                f"INSERT INTO {quote(table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(fields))})"
            )
            batch: list[list[Any]] = []
            with (work / "tables" / f"{table}.jsonl").open(encoding="utf-8") as lines:
                for line in lines:
                    values = tables.decode(model, line)
                    batch.append(
                        [f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)]
                    )
                    if len(batch) >= tables.BATCH:
                        cursor.executemany(sql, batch)
                        batch = []
            if batch:
                cursor.executemany(sql, batch)
            if progress:
                progress(f"{table}: {described['rows']} rows")
        for statement in connection.ops.sequence_reset_sql(no_style(), list(by_table.values())):
            cursor.execute(statement)
    got = tables.checksums()
    for table, described in manifest["tables"].items():
        if got[table]["rows"] != described["rows"] or got[table]["sha256"] != described["sha256"]:
            raise RestoreRefused(
                f"{table}: restored {got[table]['rows']} rows whose checksum differs from the archive's "
                f"({described['rows']} rows); the restore was rolled back"
            )


def _swap_attachments(extracted: Path, target: Path) -> None:
    """Put the archive's attachment files in place of the current ones."""
    old = target.with_name(f".{target.name}-replaced")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    if extracted.is_dir():
        extracted.rename(target)
    else:
        target.mkdir(parents=True)
    if old.exists():
        shutil.rmtree(old)


def _clear_caches() -> None:
    """Cached pages and API answers are keyed by ids the restore may reuse for other content."""
    from django.core.cache import caches

    for name in settings.CACHES:
        caches[name].clear()
