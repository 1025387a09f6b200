"""A refresh killed midway (kill -9) leaves the previous publication current and the site unchanged
(issue 12). The refresh runs as the real command in its own process, on its own SQLite database in a
temporary data folder; the demonstration data give it something to compute."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

WSIS = [sys.executable, "-m", "wsis"]


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*WSIS, *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def publications(database: Path) -> list[tuple[int, str, int]]:
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT id, state, (SELECT COUNT(*) FROM publishing_publishedfigure f"
            " WHERE f.publication_id = p.id) FROM publishing_publication p ORDER BY id"
        ).fetchall()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> tuple[dict[str, str], Path]:
    folder = tmp_path_factory.mktemp("killed-refresh")
    env = {k: v for k, v in os.environ.items() if k != "WSIS_DATABASE_URL"}
    env |= {"WSIS_DATA_DIR": str(folder), "WSIS_LOG_LEVEL": "INFO", "WSIS_WARM_PAGES": "0"}
    out = run(env, "setup")
    assert "figures: publication 1 is current" in out
    return env, folder / "wsis.sqlite3"


def test_a_killed_refresh_leaves_the_previous_publication_current(deployment) -> None:
    env, database = deployment
    before = publications(database)
    assert [state for _, state, _ in before] == ["current"] and before[0][2] > 100
    process = subprocess.Popen(
        [*WSIS, "refresh", "--force"], env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    # Kill it once it is computing progress: aggregates are behind it, the publication not yet written.
    deadline = time.monotonic() + 300
    assert process.stderr is not None
    for line in process.stderr:
        if "refresh: progress towards the targets" in line:
            break
        assert time.monotonic() < deadline, "the refresh never reached its progress step"
    else:
        pytest.fail(f"the refresh ended before it could be killed: {process.stdout.read()}")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert publications(database) == before, "nothing of the killed refresh is visible"
    # The site still serves the previous publication, and the next refresh completes.
    out = run(env, "refresh", "--force")
    assert "figures: publication 2 is current" in out
    after = publications(database)
    assert [(i, s) for i, s, _ in after] == [(1, "retired"), (2, "current")]
    assert after[1][2] == before[0][2], "the same figures, from the same data"


def test_refresh_says_when_nothing_changed(deployment) -> None:
    env, _ = deployment
    assert "the current publication is up to date" in run(env, "refresh")


@pytest.mark.parametrize(("setting", "expected"), [(None, 10), ("0", 0)])
def test_the_worker_gives_web_requests_precedence(deployment, setting, expected) -> None:
    """`wsis worker` lowers its own scheduling priority (WSIS_WORKER_NICE, default 10) so that a warm-up
    rendering thousands of pages never makes visitors wait; 0 keeps the priority it started with."""
    env, _ = deployment
    env = {k: v for k, v in env.items() if k != "WSIS_WORKER_NICE"}
    if setting is not None:
        env["WSIS_WORKER_NICE"] = setting
    started = os.nice(0)
    worker = subprocess.Popen([*WSIS, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        niceness = started
        while time.monotonic() < deadline:
            # Field 19 of /proc/PID/stat is the niceness; the command reaches os.nice once Django is set up.
            niceness = int(Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
            if niceness != started or worker.poll() is not None:
                break
            time.sleep(0.2)
        if expected == 0:
            time.sleep(5)  # long enough for Django's set-up: the priority must still be unchanged
            niceness = int(Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
        assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
        assert niceness == min(started + expected, 19)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
