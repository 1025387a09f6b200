"""Benchmark: the public site under load, in its production set-up, on loopback.

Builds everything in a scratch folder and removes it afterwards:

1. a private PostgreSQL cluster (Debian's binaries, 127.0.0.1 only, as scripts/test.sh starts one);
2. the database through the commands an operator runs: `wsis setup`, then `wsis import` of the real
   shared ITU DataHub, World Bank and UN SDG files, and `wsis reference income` (WSIS_SHARED_DATA);
3. gunicorn serving `wsis.site.wsgi` with the repository's settings (sync workers, no access log);
4. the peer: Datasette serving the same observations table, exported to SQLite (immutable mode),
   from its own virtual environment under bench/.venvs (``--setup`` creates it).

Then wrk (Debian package; C, event-driven, so the load generator takes little of the two cores the
servers need - a Python generator would compete with them and measure itself) runs N concurrent
keep-alive clients (default 50) for a bounded time against each target after a short warm-up: the
economy profile and the indicator page (URLs from tests/public/pages.py), the API series endpoint
(/api/v1/observations for one indicator and economy) and Datasette's JSON for the same rows. Prints
throughput, p50/p95/p99 and the ratios to the peer; writes bench/results/site.json. Target: p95 < 50 ms.

Run: ``.venv/bin/python bench/site/run.py [--setup] [--clients 50] [--seconds 10] [--workers 4]``.
Not part of the test suite; run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PEER_VENV = ROOT / "bench" / ".venvs" / "datasette"
PEER_REQUIREMENT = "datasette>=0.65,<0.66"
RESULTS = ROOT / "bench" / "results"
REPORT_LUA = Path(__file__).with_name("report.lua")
TARGET_P95_MS = 50
PEER_SHAPE = "_shape=objects&_size=1000"
#: The API's series query and Datasette's equivalent: one indicator for one economy, latest figures.
SERIES = {"indicator": "i99H", "area": "FRA"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def postgres(work: Path) -> Iterator[str]:
    """A private cluster on a free loopback port; yields its database URL."""
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
    root = work / "pg"
    root.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data, port = root / "data", free_port()
    run(as_postgres([str(pgbin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]))
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=200"
    run(
        as_postgres(
            [str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o", options, "start"]
        )
    )
    try:
        run(
            as_postgres(
                [str(pgbin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "wsis"]
            )
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/wsis"
    finally:
        run(as_postgres([str(pgbin / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]))


@contextlib.contextmanager
def redis(work: Path) -> Iterator[str]:
    """A private redis-server on a free loopback port (the production cache, README); yields its URL."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - Debian's redis-server, no shell
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(work),
            "--maxmemory",
            "1gb",
            "--maxmemory-policy",
            "allkeys-lru",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def run(args: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(args[:4])}...\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def load_data(env: dict[str, str], shared: Path, work: Path) -> None:
    """The shared files through the warehouse, as tests/public/conftest.py loads them."""
    wsis = str(VENV_BIN / "wsis")
    print("setting up the database and importing the shared files...", flush=True)
    run([wsis, "setup", "--no-demo"], env)
    worldbank = [
        str(p) for p in sorted((shared / "worldbank").glob("*.csv")) if not p.name.startswith("Metadata_")
    ]
    imports = [
        ("ITU DataHub", "2025-06-01", [str(p) for p in sorted((shared / "itu-datahub").glob("*.csv"))], []),
        ("World Development Indicators", "2025-07-01", worldbank, []),
        (
            "UN SDG database",
            "2025-03-01",
            [str(p) for p in sorted((shared / "sdg-database").glob("*.csv"))],
            ["--skip-invalid", "--rejected", str(work / "rejected-sdg.csv")],
        ),
    ]
    for name, date, files, extra in imports:
        run([wsis, "import", *files, "--release", name, "--date", date, *extra], env)
    metadata = next((shared / "worldbank").glob("Metadata_Country_*.csv"))
    run([wsis, "reference", "income", str(metadata), "--fiscal-year", "2023"], env)


def export_observations(database_url: str, target: Path) -> int:
    """The warehouse's observations table, as is, into SQLite for Datasette (with the same index)."""
    import psycopg

    columns = [
        "id", "release_id", "indicator", "area", "area_kind", "period", "sex", "age", "urbanisation",
        "income_quintile", "education", "disability", "skill_type", "technology", "speed_tier", "value",
        "unit", "source", "note", "nature", "se", "ci_low", "ci_high", "is_latest",
    ]  # fmt: skip
    with psycopg.connect(database_url, autocommit=True) as pg:
        # What autovacuum would do soon after an import anyway; measured load must not overlap it.
        pg.execute("VACUUM ANALYZE")
        rows = pg.execute(f"SELECT {', '.join(columns)} FROM warehouse_observation").fetchall()  # noqa: S608
    lite = sqlite3.connect(target)
    lite.execute(f"CREATE TABLE observations ({', '.join(columns)})")
    lite.executemany(f"INSERT INTO observations VALUES ({', '.join('?' * len(columns))})", rows)
    lite.execute("CREATE INDEX obs_series ON observations (indicator, area, period)")
    lite.execute("ANALYZE")
    lite.commit()
    lite.close()
    return len(rows)


@contextlib.contextmanager
def serving(args: list[str], env: dict[str, str], url: str, log: Path) -> Iterator[None]:
    """Start a server process, wait until ``url`` answers, stop it (by its own pid) afterwards."""
    with log.open("w") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(
                        f"server did not start: {' '.join(args[:3])}; see {log}\n{log.read_text()[-2000:]}"
                    )
                time.sleep(0.3)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def timed_request(url: str) -> tuple[float, str]:
    """(milliseconds, the X-Page-Cache header or "-") of one request on its own."""
    start = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        assert response.status == 200, url
        response.read()
        cache = response.headers.get("X-Page-Cache", "-")
    return (time.perf_counter() - start) * 1000, cache


def wrk(url: str, clients: int, seconds: int, threads: int) -> dict:
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(REPORT_LUA),
        url,
    ]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if line is None:
        sys.exit(f"wrk failed on {url}: {done.stdout[-1000:]} {done.stderr[-1000:]}")
    result = json.loads(line.removeprefix("WRK-JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def warm_up(url: str, options: argparse.Namespace) -> None:
    """Load ``url`` until every worker answers from its page cache (at most five rounds): each gunicorn
    worker renders a page once, and a first render may store the computations it shows, which changes the
    data state once more. The cold cost is reported apart, as "first ms"."""
    for _ in range(5):
        wrk(url, options.clients, options.warmup, options.threads)
        time.sleep(1)  # let the workers drain what the warm-up left queued
        caches = [timed_request(url)[1] for _ in range(2 * options.workers)]
        if "miss" not in caches:
            return


def site_paths(env: dict[str, str]) -> dict[str, str]:
    """The economy profile and indicator page in English, from the test suite's one list of pages."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.site.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from tests.public.pages import BY_NAME

    return {
        "economy profile": BY_NAME["economy"].path("en"),
        "indicator page": BY_NAME["indicator"].path("en"),
    }


def production_env(database_url: str, work: Path, redis_url: str) -> dict[str, str]:
    """The environment of the site's processes: the scratch database, data folder and Redis cache."""
    return {
        **os.environ,
        "WSIS_DATABASE_URL": database_url,
        "WSIS_REDIS_URL": redis_url,
        "WSIS_DATA_DIR": str(work / "data"),
        "WSIS_SECRET_KEY": "bench-only-not-secret",
        "DJANGO_SETTINGS_MODULE": "wsis.site.settings",
        # A busy deployment's setting: each worker reads the data state at most once a second.
        "WSIS_PAGE_STATE_SECONDS": os.environ.get("WSIS_PAGE_STATE_SECONDS", "1"),
    }


def setup_peer() -> None:
    if not (PEER_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", PEER_REQUIREMENT], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent keep-alive connections")
    parser.add_argument("--seconds", type=int, default=10, help="measured load per target (bounded)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before measuring")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync worker processes")
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk threads (each drives its share of clients)"
    )
    parser.add_argument("--setup", action="store_true", help="create Datasette's virtual environment first")
    options = parser.parse_args()
    if options.setup:
        setup_peer()
    if not (PEER_VENV / "bin" / "datasette").exists():
        sys.exit(f"no Datasette in {PEER_VENV}: run with --setup")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    shared = Path(os.environ.get("WSIS_SHARED_DATA", ROOT.parent / "shared" / "data"))
    if not (shared / "itu-datahub").is_dir():
        sys.exit(f"no shared data in {shared}: set WSIS_SHARED_DATA")

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    work = Path(tempfile.mkdtemp(prefix="wsis-bench-site-"))
    os.chmod(work, 0o755)
    try:
        with postgres(work) as database_url, redis(work) as redis_url:
            env = production_env(database_url, work, redis_url)
            load_data(env, shared, work)
            observations = export_observations(database_url, work / "obs.db")
            print(f"{observations} observations in PostgreSQL and in SQLite for Datasette", flush=True)
            paths = site_paths(env)
            site_port, peer_port = free_port(), free_port()
            site, peer = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{peer_port}"
            query = "&".join(f"{k}={v}" for k, v in SERIES.items())
            targets = {
                **{name: site + path for name, path in paths.items()},
                "API series": f"{site}/api/v1/observations?{query}",
                "Datasette series": f"{peer}/obs/observations.json?{query}&is_latest=1&{PEER_SHAPE}",
            }
            gunicorn = [
                sys.executable, "-m", "gunicorn", "wsis.site.wsgi:application",
                "--bind", f"127.0.0.1:{site_port}", "--workers", str(options.workers), "--backlog", "2048",
            ]  # fmt: skip
            datasette = [
                str(PEER_VENV / "bin" / "datasette"), "serve", "-i", str(work / "obs.db"),
                "--host", "127.0.0.1", "--port", str(peer_port), "--setting", "max_returned_rows", "1000",
                "--setting", "suggest_facets", "off",  # our API computes no facets either
            ]  # fmt: skip
            results = {}
            with (
                serving(gunicorn, env, site + "/healthz", work / "gunicorn.log"),
                serving(datasette, env, peer + "/-/versions.json", work / "datasette.log"),
            ):
                for name, url in targets.items():
                    cold, _ = timed_request(url)
                    warm_up(url, options)
                    alone, cache = timed_request(url)  # after the warm-up: what one visitor waits
                    measured = wrk(url, options.clients, options.seconds, options.threads)
                    results[name] = {
                        "url": url,
                        "first_ms": cold,
                        "alone_ms": alone,
                        "cache": cache,
                        **measured,
                    }
                    print(f"  {name}: done", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report(results, options)


def report(results: dict[str, dict], options: argparse.Namespace) -> None:
    print(
        f"\n{options.clients} concurrent clients, {options.seconds} s per target, gunicorn {options.workers} "
        f"workers, WSIS_PAGE_STATE_SECONDS={os.environ.get('WSIS_PAGE_STATE_SECONDS', '1')}; "
        f"load average after: {os.getloadavg()[0]:.2f}"
    )
    head = (
        f"{'target':<18} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'first ms':>8} "
        f"{'alone ms':>8} {'cache':>5} {'errors':>6}"
    )
    print(f"{head}  p95 < {TARGET_P95_MS} ms")
    for name, r in results.items():
        errors = r["socket_errors"] + r["non_2xx"]
        met = "yes" if r["p95_us"] / 1000 < TARGET_P95_MS else "no"
        print(
            f"{name:<18} {r['rps']:>7.0f} {r['p50_us'] / 1000:>7.1f} {r['p95_us'] / 1000:>7.1f} "
            f"{r['p99_us'] / 1000:>7.1f} {r['first_ms']:>8.1f} {r['alone_ms']:>8.1f} {r['cache']:>5} "
            f"{errors:>6}  {met}"
        )
    peer = results["Datasette series"]
    print(
        "\nratios to Datasette serving the same observations (throughput: higher better; p95: lower better)"
    )
    for name, r in results.items():
        if name != "Datasette series":
            ratios = f"throughput {r['rps'] / peer['rps']:.2f}x   p95 {r['p95_us'] / peer['p95_us']:.2f}x"
            print(f"  {name:<18} {ratios}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "site.json").write_text(json.dumps({"options": vars(options), "results": results}, indent=2))
    print(f"\nwritten to {RESULTS / 'site.json'}")


if __name__ == "__main__":
    main()
