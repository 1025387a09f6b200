"""The vote under load against a real server: gunicorn with several worker processes and threads, on a
database of its own of this run's engine. Ballots from many accounts arrive concurrently, with duplicates
sent later and races (the same voter and category twice at the same moment, for different nominees).

No vote may be lost or counted twice: every (voter, category) gets exactly one 201, the server's tally
equals the tally of the 201 answers exactly, and the ballot log's hash chain verifies, both through
`wsis prizes verify` and when recomputed here from the public API.

On PostgreSQL: 10,000 ballots from 500 accounts. On SQLite, whose single writer serialises every write
(ballots, rate counters, token use), 2,000 ballots from 120 accounts keep the run short; the rules tested
are the same."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.web.test_serve import _free_port
from wsis.engine.prizes.ballot_log import from_dict, tally, verify
from wsis.engine.prizes.challenge import solve

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("WSIS_DATABASE_URL", "").startswith("postgres")
ACCOUNTS, BALLOTS = (500, 10_000) if POSTGRES else (120, 2_000)
LOAD_DB = "wsis_prizes_load"


def _run(args: list[str], env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("prizes-load")
    env = {
        **os.environ,
        "WSIS_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "wsis.site.settings",
        "PYTHONPATH": str(ROOT),
    }
    admin = None
    if POSTGRES:
        import psycopg

        url = urllib.parse.urlsplit(os.environ["WSIS_DATABASE_URL"])
        admin = psycopg.connect(os.environ["WSIS_DATABASE_URL"], autocommit=True)
        admin.execute(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {LOAD_DB}")
        env["WSIS_DATABASE_URL"] = urllib.parse.urlunsplit(url._replace(path=f"/{LOAD_DB}"))
    else:
        env.pop("WSIS_DATABASE_URL", None)
    try:
        setup = _run(["-m", "wsis", "setup", "--no-demo"], env)
        assert setup.returncode == 0, setup.stderr
        yield env
    finally:
        if admin is not None:
            admin.execute(f"DROP DATABASE IF EXISTS {LOAD_DB} WITH (FORCE)")
            admin.close()


@pytest.fixture(scope="module")
def seeded(server_env):
    result = _run(["-m", "tests.prizes.load_seed", str(ACCOUNTS)], server_env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server(server_env, seeded):
    port = _free_port()
    log_path = Path(server_env["WSIS_DATA_DIR"]) / "gunicorn.log"
    workers, threads = ("4", "4") if POSTGRES else ("2", "2")
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "wsis.site.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                workers,
                "--threads",
                threads,
                "--worker-class",
                "gthread",
                "--timeout",
                "120",
            ],
            env=server_env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:  # the server is stopped whatever happens, so no worker outlives the test
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    pytest.fail(f"gunicorn exited: {log_path.read_text()}")
                try:
                    requests.get(base + "/healthz", timeout=10)
                    break
                except requests.RequestException:
                    if time.monotonic() > deadline:
                        pytest.fail("gunicorn did not answer within 60 s")
                    time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def plan(seeded: dict, rng: random.Random) -> list[list[tuple[int, int, int]]]:
    """Tasks of (account, category, nominee) ballots; a task of two ballots is a race, sent at once."""
    nominees = {int(c): ids for c, ids in seeded["nominees"].items()}
    pairs = [(a, c) for a in range(ACCOUNTS) for c in nominees]
    rng.shuffle(pairs)
    races = BALLOTS // 10
    unique = (BALLOTS - races) * 4 // 5  # the rest: duplicates sent later, one at a time
    chosen = pairs[:unique]
    tasks: list[list[tuple[int, int, int]]] = []
    for i, (account, category) in enumerate(chosen):
        first = (account, category, rng.choice(nominees[category]))
        if i < races:
            other = rng.choice([n for n in nominees[category] if n != first[2]])
            tasks.append([first, (account, category, other)])
        else:
            tasks.append([first])
    for _ in range(BALLOTS - unique - races):
        account, category = rng.choice(chosen)
        tasks.append([(account, category, rng.choice(nominees[category]))])
    head, tail = tasks[:unique], tasks[unique:]
    rng.shuffle(head)
    return head + tail  # duplicates come after their originals were sent


def test_concurrent_votes_are_counted_exactly_and_the_chain_verifies(server, server_env, seeded) -> None:
    started = time.monotonic()
    tokens = seeded["tokens"]
    local = threading.local()

    def session(account: int) -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session

    # One challenge per account, fetched over HTTP like any voter's.
    def challenge(account: int) -> str:
        answer = session(account).get(
            f"{server}/api/v1/prizes/cycles/2026/challenge",
            headers={"Authorization": f"Bearer {tokens[account]}"},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["challenge"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        challenges = list(pool.map(challenge, range(ACCOUNTS)))

    def send(ballot: tuple[int, int, int]) -> tuple[tuple[int, int, int], int, str]:
        account, category, nominee = ballot
        nonce = solve(challenges[account], category, 8)
        answer = session(account).post(
            f"{server}/api/v1/prizes/cycles/2026/votes",
            json={"nominee": nominee, "challenge": challenges[account], "nonce": str(nonce)},
            headers={"Authorization": f"Bearer {tokens[account]}", "User-Agent": f"load/{account % 7}"},
            timeout=120,
        )
        return ballot, answer.status_code, answer.text

    tasks = plan(seeded, random.Random(7))
    ballots = [b for task in tasks for b in task]
    assert len(ballots) == BALLOTS
    with ThreadPoolExecutor(max_workers=24 if POSTGRES else 8) as pool:
        answers = list(pool.map(send, ballots))  # the two ballots of a race are adjacent: sent together

    statuses = Counter(status for _, status, _ in answers)
    errors = [(b, s, t[:200]) for b, s, t in answers if s not in (201, 409)]
    assert not errors, f"{statuses}: {errors[:5]}"
    accepted = [b for b, status, _ in answers if status == 201]
    per_pair = Counter((a, c) for a, c, _ in accepted)
    planned = {(a, c) for a, c, _ in ballots}
    assert set(per_pair) == planned and set(per_pair.values()) == {
        1
    }  # exactly one ballot per voter and category
    truth: dict[int, Counter[str]] = {}
    for _, category, nominee in accepted:
        truth.setdefault(category, Counter())[str(nominee)] += 1

    # The server's own tally and verification, through the command line on the server's database.
    assert _run(["-m", "wsis", "prizes", "close", "2026", "voting"], server_env).returncode == 0
    verified = _run(["-m", "wsis", "prizes", "verify", "2026"], server_env)
    assert verified.returncode == 0 and f"{len(accepted)} entries, chain intact" in verified.stdout, (
        verified.stderr
    )
    counted = _run(["-m", "wsis", "prizes", "tally", "2026", "--json"], server_env)
    assert counted.returncode == 0, counted.stderr
    published = json.loads(counted.stdout)
    assert {int(c): dict(n) for c, n in published["tally"]["counts"].items()} == {
        c: dict(n) for c, n in truth.items()
    }

    # Anyone's recomputation from the public, anonymised log.
    rows: list[dict] = []
    while True:
        page = requests.get(
            f"{server}/api/v1/prizes/cycles/2026/ballots",
            params={"after": len(rows), "limit": 5000},
            timeout=60,
        ).json()
        if not page["entries"]:
            break
        rows += page["entries"]
    log = [from_dict(row, i) for i, row in enumerate(rows, start=1)]
    assert verify(log, expected_count=page["head"]["entries"], expected_head=page["head"]["hash"]).ok
    recount = tally(log)
    assert recount.duplicates == [] and recount.counts == {c: dict(n) for c, n in truth.items()}
    assert time.monotonic() - started < 240
