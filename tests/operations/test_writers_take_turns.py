"""Writers that wait their turn (issue 14, finding 6).

Three `wsis import` commands started at once on one deployment (SQLite: one died with a raw "database is
locked" traceback; PostgreSQL: a raw DeadlockDetected) now queue on the writers' lock and all succeed,
while registry API writes sent during the imports succeed or get a clear 503 with Retry-After, never a
500. A command that cannot wait long enough says who holds the lock, changes nothing and shows no
traceback; a request that meets a held database lock answers 503."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.operations.deployment import ROOT, WSIS, deployment, ok, postgres, server, wsis

FILES = [
    "itu-datahub/individuals_using_internet.csv",
    "itu-datahub/households_internet_access.csv",
    "worldbank/sp.pop.totl.csv",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory, shared):
    with deployment(tmp_path_factory.mktemp("writers"), "writers", "--no-demo") as env:
        seeded = json.loads(_seed(env))
        with server(env) as base:
            yield env, base, seeded


def _seed(env: dict[str, str]) -> str:
    done = subprocess.run(
        [WSIS[0], "-m", "tests.operations.seed_writer"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _entry(organization: int, n: int) -> dict:
    return {
        "organization": organization,
        "title": {"en": f"Rural connectivity {n}"},
        "description": {"en": "Links for rural schools."},
        "action_lines": ["C2"],
        "countries": ["KEN"],
        "start_date": "2024-01-01",
    }


#: What the readers ask for while the imports and edits run: pages, search, the API (issue 14's load: 50
#: clients in all, with the writers below).
READS = [
    "/en/",
    "/fr/registry/",
    "/en/registry/?q=rural",
    "/en/economies/KEN/",
    "/ar/economies/BRA/",
    "/en/indicators/i99H/",
    "/api/v1/registry/initiatives",
    "/api/v1/",
]
READERS, WRITERS = 46, 4


def test_simultaneous_imports_queue_and_api_writes_never_fail(site, shared: Path) -> None:
    """50 clients - 46 reading, 4 editing the registry - while three imports start at once: no 5xx but
    a writer's clear 503 with Retry-After."""
    env, base, seeded = site
    headers = {"Authorization": f"Bearer {seeded['token']}"}
    imports = [
        subprocess.Popen(
            [*WSIS, "import", str(shared / name)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in FILES
    ]
    answers: list[requests.Response] = []
    done = threading.Event()

    def write() -> None:
        # Create and then replace drafts for as long as the imports run (and at least 15 times).
        n = 0
        while not done.is_set() or n < 15:
            n += 1
            created = requests.post(
                f"{base}/api/v1/registry/initiatives", json=_entry(seeded["organization"], n), headers=headers
            )
            answers.append(created)
            if created.status_code == 201:
                pk = created.json()["id"]
                answers.append(
                    requests.put(
                        f"{base}/api/v1/registry/initiatives/{pk}",
                        json=_entry(seeded["organization"], -n),
                        headers=headers,
                    )
                )
            time.sleep(0.2)

    reads: list[tuple[str, int]] = []

    def read(offset: int) -> None:
        with requests.Session() as session:
            n = offset
            while not done.is_set():
                path = READS[n % len(READS)]
                reads.append((path, session.get(base + path, timeout=120).status_code))
                n += 1

    clients = [threading.Thread(target=write) for _ in range(WRITERS)]
    clients += [threading.Thread(target=read, args=(n,)) for n in range(READERS)]
    for thread in clients:
        thread.start()
    outcomes = [(p.wait(timeout=900), *p.communicate()) for p in imports]
    done.set()
    for thread in clients:
        thread.join(timeout=300)

    for code, out, err in outcomes:
        assert code == 0, out + err
        assert "Traceback" not in err and "Error" not in err, err
        assert "observations written" in out
    # They took turns: at least one saw another running and waited for it.
    assert any("waiting: another data writer is running" in err for _, _, err in outcomes)
    releases = ok(env, "releases")
    assert len(releases.strip().splitlines()) == len(FILES), releases

    statuses = [a.status_code for a in answers]
    assert len(statuses) >= 30
    assert set(statuses) <= {200, 201, 409, 503}, statuses
    for answer in answers:
        if answer.status_code == 503:
            assert int(answer.headers["Retry-After"]) > 0
            assert "busy" in answer.json()["detail"]
    assert statuses.count(201) > 0
    # The readers: every answer without a server error, and most of them pages served.
    assert len(reads) >= READERS
    failed = [(path, code) for path, code in reads if code >= 500]
    assert not failed, failed[:10]
    assert sum(code == 200 for _, code in reads) > 0.9 * len(reads), sorted(set(reads))[:20]


def test_a_writer_that_cannot_wait_says_who_is_running(site) -> None:
    """A refresh started while an import holds the lock, allowed to wait one second: one clear line naming
    the holder, exit 1, no traceback, nothing changed."""
    env, _, _ = site
    publications = ok(env, "manage", "shell", "-c", COUNT_PUBLICATIONS)
    holder = subprocess.Popen(
        [*WSIS[:1], "-c", HOLD_LOCK],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        refused = wsis({**env, "WSIS_WRITER_WAIT_SECONDS": "1"}, "refresh", "--force")
    finally:
        holder.kill()
        holder.wait()
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "another data writer is running: test holder" in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) <= 2, refused.stderr  # waiting line + the error
    assert ok(env, "manage", "shell", "-c", COUNT_PUBLICATIONS) == publications
    # The holder was killed: its lock is not left behind (process gone, or session ended).
    assert "publication" in ok(env, "refresh", "--force")


def test_a_request_that_meets_a_held_database_lock_answers_503(site, tmp_path) -> None:
    env, _, seeded = site
    impatient = {**env, "WSIS_DB_LOCK_WAIT_SECONDS": "1"}
    with server(impatient, workers=1, threads=2) as base, _database_locked(env):
        answer = requests.post(
            f"{base}/api/v1/registry/initiatives",
            json=_entry(seeded["organization"], 0),
            headers={"Authorization": f"Bearer {seeded['token']}"},
            timeout=60,
        )
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "5"
    assert "another writer" in answer.json()["detail"]


class _database_locked:
    """Another connection holding the lock every registry write needs: SQLite's write lock, or an
    exclusive lock on PostgreSQL's initiative table."""

    def __init__(self, env: dict[str, str]):
        self.env = env

    def __enter__(self) -> None:
        if postgres():
            import psycopg

            self.connection = psycopg.connect(self.env["WSIS_DATABASE_URL"])
            self.connection.execute("LOCK TABLE registry_initiative IN ACCESS EXCLUSIVE MODE")
        else:
            self.connection = sqlite3.connect(Path(self.env["WSIS_DATA_DIR"]) / "wsis.sqlite3")
            self.connection.isolation_level = None
            self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, *exc: object) -> None:
        self.connection.rollback()
        self.connection.close()


COUNT_PUBLICATIONS = "from wsis.apps.publishing.models import Publication; print(Publication.objects.count())"
HOLD_LOCK = """
import sys, time
from wsis.cli.site import django_ready
django_ready()
from wsis.apps.operations.domain.locks import writer_lock
with writer_lock("test holder"):
    print("held", flush=True)
    time.sleep(600)
"""
