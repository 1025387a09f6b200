"""`wsis backup` and `wsis restore` (issue 14, finding 9).

A deployment with demonstration and real releases, registry entries with several versions and
attachments, accounts with API tokens and a prizes cycle with votes is backed up while an import runs,
then restored into fresh databases: every table comes back with the same rows and checksum (computed
here from the restored database, compared with the archive's manifest and, when nothing ran meanwhile,
with the source), the ballot log verifies and the attachments are byte-identical.

The SQLite run restores SQLite into SQLite; the PostgreSQL run restores SQLite into PostgreSQL,
PostgreSQL into PostgreSQL and PostgreSQL into SQLite. A damaged archive and a target holding data are
refused with nothing changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.operations.deployment import (
    ROOT,
    WSIS,
    environment,
    fresh_database,
    ok,
    postgres,
    wsis,
)

CHECKSUMS = (
    "import json; from wsis.apps.operations.domain.tables import checksums; print(json.dumps(checksums()))"
)


def checksums(env: dict[str, str]) -> dict:
    return json.loads(ok(env, "manage", "shell", "-c", CHECKSUMS).strip().splitlines()[-1])


def manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return json.loads(member.read())


def attachments(env: dict[str, str]) -> dict[str, str]:
    folder = Path(env["WSIS_DATA_DIR"]) / "attachments"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def seed(env: dict[str, str], shared: Path) -> dict:
    ok(env, "setup")  # with the demonstration world: synthetic releases, entries, a publication
    done = subprocess.run(
        [WSIS[0], "-m", "tests.operations.seed_backup"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    seeded = json.loads(done.stdout.strip().splitlines()[-1])
    # The first real release retires the demonstration world; two real releases stay.
    ok(env, "import", "--no-refresh", str(shared / "itu-datahub/individuals_using_internet.csv"))
    ok(env, "import", str(shared / "itu-datahub/households_internet_access.csv"))
    return seeded


def backup_during_an_import(env: dict[str, str], shared: Path, archive: Path) -> None:
    """Back up while another release is being imported (and the figures refreshed)."""
    load = subprocess.Popen(
        [*WSIS, "import", str(shared / "worldbank/sp.pop.totl.csv")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert "backup written to" in ok(env, "backup", str(archive))
    finally:
        out, err = load.communicate(timeout=600)
    assert load.returncode == 0, out + err


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory, shared):
    env = environment(tmp_path_factory.mktemp("sqlite-source"), None)
    seeded = seed(env, shared)
    archive = tmp_path_factory.mktemp("archives") / "sqlite.tar.gz"
    backup_during_an_import(env, shared, archive)
    return env, seeded, archive


def check_restored(
    target: dict[str, str], archive: Path, seeded: dict, source: dict[str, str], *options: str
) -> None:
    out = ok(target, "restore", *options, str(archive))
    assert "every table's checksum matches" in out
    described = manifest(archive)["tables"]
    got = checksums(target)
    assert got == {t: {"rows": d["rows"], "sha256": d["sha256"]} for t, d in described.items()}
    counts = {t: d["rows"] for t, d in described.items()}
    assert counts["warehouse_release"] >= 2 and counts["warehouse_observation"] >= 8_907
    assert counts["registry_version"] > counts["registry_initiative"] > 0
    assert counts["prizes_ballotentry"] == seeded["votes"]
    assert counts["auth_user"] > 10 and counts["accounts_apitoken"] == 1
    assert counts["publishing_publication"] >= 1
    # Every release holds exactly the observations it says: the snapshot is one consistent state.
    releases = ok(target, "releases")
    assert releases.count("obs)") == counts["warehouse_release"]
    verified = wsis(target, "prizes", "verify", str(seeded["year"]))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    restored = attachments(target)
    assert sorted(restored) == sorted(seeded["attachments"])
    assert restored == attachments(source)


def test_sqlite_backup_taken_during_an_import_restores_identically(sqlite_source, tmp_path) -> None:
    source, seeded, archive = sqlite_source
    with fresh_database("restored") as url:
        target = environment(tmp_path / "target", url)
        check_restored(target, archive, seeded, source)
        # A second restore into the now full target is refused, and changes nothing...
        before = checksums(target)
        refused = wsis(target, "restore", str(archive))
        assert (
            refused.returncode == 1 and "holds data" in refused.stderr and "Traceback" not in refused.stderr
        )
        assert checksums(target) == before
        # ... unless --replace is given.
        assert "checksum matches" in ok(target, "restore", "--replace", str(archive))
        assert checksums(target) == before


def test_a_damaged_archive_is_refused_before_anything_changes(sqlite_source, tmp_path) -> None:
    _, _, archive = sqlite_source
    damaged = tmp_path / "damaged.tar.gz"
    work = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    table = work / "tables" / "prizes_ballotentry.jsonl"
    lines = table.read_text().splitlines()
    table.write_text("\n".join([lines[0].replace('"', "'", 1), *lines[1:]]) + "\n")
    with tarfile.open(damaged, "w:gz") as tar:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=path.relative_to(work).as_posix())
    with fresh_database("damaged") as url:
        target = environment(tmp_path / "target", url)
        refused = wsis(target, "restore", str(damaged))
        assert refused.returncode == 1, refused.stdout
        assert "tables/prizes_ballotentry.jsonl does not match its checksum" in refused.stderr
        assert "Traceback" not in refused.stderr
        # Nothing was created: not even the schema.
        missing = wsis(target, "releases").stderr
        assert "no such table" in missing or "does not exist" in missing, missing
        assert not (Path(target["WSIS_DATA_DIR"]) / "attachments").exists()


@pytest.mark.skipif(not postgres(), reason="the PostgreSQL run moves deployments between engines")
def test_postgresql_backup_restores_into_postgresql_and_sqlite(tmp_path, shared) -> None:
    with fresh_database("pg_source") as source_url:
        source = environment(tmp_path / "source", source_url)
        seeded = seed(source, shared)
        archive = tmp_path / "pg.tar.gz"
        ok(source, "backup", str(archive))
        assert manifest(archive)["engine"] == "postgresql"
        assert checksums(source) == {
            t: {"rows": d["rows"], "sha256": d["sha256"]} for t, d in manifest(archive)["tables"].items()
        }
        with fresh_database("pg_target") as target_url:
            check_restored(environment(tmp_path / "pg-target", target_url), archive, seeded, source)
        check_restored(environment(tmp_path / "sqlite-target", None), archive, seeded, source)
        # The archive also holds pg_dump's own dump of the same snapshot: pg_restore brings it back.
        assert manifest(archive)["native"] == "native/postgresql.dump"
        with fresh_database("pg_native") as native_url:
            target = environment(tmp_path / "pg-native", native_url)
            check_restored(target, archive, seeded, source, "--native")
        # Natively into SQLite: refused, nothing made.
        sqlite_target = environment(tmp_path / "sqlite-native", None)
        refused = wsis(sqlite_target, "restore", "--native", str(archive))
        assert refused.returncode == 1 and "--native restores into PostgreSQL only" in refused.stderr


def test_a_sqlite_archive_has_no_native_dump(sqlite_source, tmp_path) -> None:
    _, _, archive = sqlite_source
    assert manifest(archive)["native"] is None
    with fresh_database("no_native") as url:
        target = environment(tmp_path / "target", url)
        refused = wsis(target, "restore", "--native", str(archive))
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert "has no pg_dump to restore natively" in refused.stderr


def test_the_manifest_lists_every_member_with_its_checksum(sqlite_source, tmp_path) -> None:
    """The manifest lists every member with its SHA-256: anyone can check an archive by hand."""
    _, _, archive = sqlite_source
    copy = tmp_path / "copy.tar.gz"
    shutil.copy(archive, copy)
    described = manifest(copy)
    with tarfile.open(copy) as tar:
        names = {m.name for m in tar if m.name != "manifest.json"}
        assert names == set(described["files"])
        for name in names:
            member = tar.extractfile(name)
            assert member is not None
            assert hashlib.sha256(member.read()).hexdigest() == described["files"][name]["sha256"]
