"""A deployment of its own for tests that run real commands and servers: a fresh data folder, and on
PostgreSQL a fresh database next to the run's (named after it), dropped afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.web.test_serve import _free_port

ROOT = Path(__file__).resolve().parents[2]
WSIS = [sys.executable, "-m", "wsis"]


def postgres() -> bool:
    return os.environ.get("WSIS_DATABASE_URL", "").startswith("postgres")


def admin_url(name: str) -> str:
    """The run's PostgreSQL URL with another database name."""
    url = urllib.parse.urlsplit(os.environ["WSIS_DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path=f"/{name}"))


def database_name(label: str) -> str:
    base = urllib.parse.urlsplit(os.environ["WSIS_DATABASE_URL"]).path.lstrip("/")
    return f"{base}_{label}"


@contextmanager
def fresh_database(label: str) -> Iterator[str | None]:
    """On PostgreSQL, an empty database named after the run's and ``label`` (its URL), dropped on exit;
    None on SQLite (each deployment's data folder holds its own database file)."""
    if not postgres():
        yield None
        return
    import psycopg

    name = database_name(label)
    with psycopg.connect(os.environ["WSIS_DATABASE_URL"], autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield admin_url(name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(folder: Path, database_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "WSIS_DATA_DIR": str(folder),
        "WSIS_WARM_PAGES": "0",
        "DJANGO_SETTINGS_MODULE": "wsis.site.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("WSIS_DATABASE_URL", None)
    if database_url:
        env["WSIS_DATABASE_URL"] = database_url
    return env


def wsis(env: dict[str, str], *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``wsis ARGS`` in the deployment; the caller checks the outcome."""
    return subprocess.run(
        [*WSIS, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def ok(env: dict[str, str], *args: str) -> str:
    done = wsis(env, *args)
    assert done.returncode == 0, f"wsis {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


@contextmanager
def deployment(folder: Path, label: str, *setup: str) -> Iterator[dict[str, str]]:
    """A set-up deployment (``wsis setup`` with ``setup`` options): its environment."""
    with fresh_database(label) as url:
        env = environment(folder, url)
        ok(env, "setup", *setup)
        yield env


@contextmanager
def server(env: dict[str, str], workers: int = 2, threads: int = 4) -> Iterator[str]:
    """gunicorn serving the deployment; its base URL. Stopped whatever happens."""
    port = _free_port()
    log_path = Path(env["WSIS_DATA_DIR"]) / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "wsis.site.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                f"--threads={threads}",
                "--worker-class=gthread",
                "--timeout=120",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, f"gunicorn exited: {log_path.read_text()}"
                try:
                    requests.get(base + "/healthz", timeout=10)
                    break
                except requests.RequestException:
                    assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                    time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
