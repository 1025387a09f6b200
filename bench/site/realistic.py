"""Benchmark: the public site as its users load it - thousands of URLs, edits all day, a release mid-run.

The warm-URL benchmark (run.py) asks for three URLs again and again; real traffic is every economy, group
and indicator page in six languages while initiatives are edited. This one, in the same production set-up
(private PostgreSQL, the shared ITU / World Bank / SDG files through `wsis import`, which refreshes the
published figures, gunicorn with sync workers, Datasette as the peer; helpers from run.py):

1. **Cold renders** - with empty caches and no worker warming them, one client asks for every economy
   profile, group profile and indicator page in English and Arabic once: the distribution (target: p95 <
   150 ms; pages read the current publication and compute nothing).
2. **Realistic traffic** - `wsis worker` runs beside gunicorn (it warms the pages, then the API and SDMX
   series, then the charts after a publication); the traffic starts once the worker has nothing queued or
   running, as on a site that has been up since its last publication (the wait, the tasks waited for and
   the warm-up's report are printed).
   50 clients (wrk, closed loop) over every popular page in the six languages, drawn Zipf-like (weight
   1/rank, a fixed random order); an initiative edited through the API every 2 s; one new release (a
   revision of France's Internet use) imported with `wsis import` a third of the way in. Prints
   throughput, p50/p95/p99, errors and time-outs, the edits' answers, and how long after the import the
   new figures were served (the revised observation on France's profile, and the home page's world
   aggregate from the new publication). Targets: p95 < 100 ms, zero errors, new figures within 60 s.
3. **API series over random economies** - once the worker is idle again after the new publication:
   every (indicator, economy) pair the warehouse holds, drawn uniformly, against /api/v1/observations and
   Datasette's JSON of the same rows. Targets: p95 < 50 ms and at least 5x Datasette's throughput.
4. **SDMX data queries** - the same pairs through the SDMX web service (`/sdmx/rest/data/ICT/...`,
   generic SDMX-ML). Target: p95 < 50 ms.

Run: ``.venv/bin/python bench/site/realistic.py [--setup] [--clients 50] [--seconds 60] [--workers 4]``.
Not part of the test suite; run it on an otherwise idle machine. Writes bench/results/site-realistic.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import run as base  # noqa: E402 - bench/site/run.py, the production set-up and its peer

PICK_LUA = Path(__file__).with_name("pick.lua")
COLD_TARGET_MS, TRAFFIC_TARGET_MS, API_TARGET_MS, FRESH_TARGET_S, API_RATIO = 150, 100, 50, 60, 5


def django_ready(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(base.ROOT))
    import django

    django.setup()


def cold_paths() -> list[str]:
    from wsis.apps.public.warmup import popular_paths

    return [p for p in popular_paths() if p.startswith(("/en/", "/ar/")) and p.count("/") > 2]


def weighted(paths: list[str], target: Path, seed: int = 2026) -> None:
    """Zipf-like: a fixed random order of the pages, weight 1/rank."""
    order = list(paths)
    random.Random(seed).shuffle(order)
    target.write_text("".join(f"{1 / (rank + 1):.8f}\t{p}\n" for rank, p in enumerate(order)))


def pick(url: str, paths_file: Path, clients: int, seconds: int) -> dict:
    args = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(PICK_LUA), url]
    done = subprocess.run(
        [*args, "--", str(paths_file)], capture_output=True, text=True, timeout=seconds + 120
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if line is None:
        sys.exit(f"wrk failed on {url}: {done.stdout[-1000:]} {done.stderr[-1000:]}")
    result = json.loads(line.removeprefix("WRK-JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def editor(env: dict[str, str]) -> tuple[int, str, dict]:
    """A published initiative naming France, its owner's API token and the body the edits send."""
    from tests.registry.factories import entry, entry_data, user
    from wsis.apps.accounts.domain.organizations import create_organization
    from wsis.apps.accounts.domain.tokens import issue_token

    owner = user(f"bench-{int(time.time())}")
    org = create_organization(creator=owner, name="Bench libraries", stakeholder_type="civil_society")
    item = entry(org, owner, "published", countries=["FRA"], action_lines=["C7.c"])
    body = {k: v for k, v in entry_data(countries=["FRA"], action_lines=["C7.c"]).items()}
    body |= {"organization": org.pk, "start_date": "2023-01-01", "end_date": "2026-12-31"}
    return item.pk, issue_token(user=owner, label="bench"), body


def edit_loop(site: str, pk: int, token: str, body: dict, stop: threading.Event, out: list) -> None:
    n = 0
    while not stop.wait(2.0):
        n += 1
        payload = {**body, "title": {"en": f"Bench libraries, edit {n}"}}
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{site}/api/v1/registry/initiatives/{pk}",
            data=json.dumps(payload).encode(),
            method="PUT",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        out.append((status, (time.perf_counter() - start) * 1000))


def headline(site: str) -> str:
    with urllib.request.urlopen(f"{site}/en/", timeout=30) as response:  # noqa: S310 - loopback
        page = response.read().decode()
    found = re.search(r"computations/(\d+)", page[page.index('id="headlines"') :])
    return found.group(1) if found else ""


def import_and_watch(
    site: str, env: dict[str, str], revision: Path, delay: float, before: str, revised: str, out: dict
) -> None:
    """Import a revision after ``delay`` seconds; time until the site serves the new figures (``before``:
    the home page's world aggregate before)."""
    time.sleep(delay)
    start = time.monotonic()
    done = subprocess.run(
        [str(base.VENV_BIN / "wsis"), "import", str(revision), "--release", "ITU DataHub revision",
         "--date", "2025-09-01"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    out["import_s"] = time.monotonic() - start
    out["import_ok"] = done.returncode == 0
    out["import_tail"] = (done.stdout + done.stderr)[-400:]
    deadline = start + 180
    while time.monotonic() < deadline and ("observation_s" not in out or "publication_s" not in out):
        # A poll is a visitor too: under load it may wait or time out, and simply tries again.
        try:
            with urllib.request.urlopen(f"{site}/en/economies/FRA/", timeout=30) as r:  # noqa: S310
                if "observation_s" not in out and revised[:4] in r.read().decode():
                    out["observation_s"] = time.monotonic() - start
            if "publication_s" not in out and headline(site) != before:
                out["publication_s"] = time.monotonic() - start
        except OSError:
            out["poll_failures"] = out.get("poll_failures", 0) + 1
        time.sleep(0.5)


def warmed(timeout_s: float = 1800) -> dict:
    """Wait until the worker has no task queued or running (the site's steady state after a publication:
    pages warmed, charts drawn); the last page warm-up's report, how long the wait took and which tasks
    it waited for."""
    from django.db.models import Q
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    started = time.monotonic()
    waited_for: set[str] = set()

    def pending() -> list[str]:
        # A task planned for later (an embargoed release made public at its time) is not background work
        # running now.
        now = Q(run_after__isnull=True) | Q(run_after__lte=timezone.now())
        due = Q(status="RUNNING") | (Q(status="READY") & now)
        return list(DBTaskResult.objects.filter(due).values_list("task_path", flat=True))

    # Idle on three polls in a row: a task queues the next one (the page warm-up, the chart drawings) as it
    # finishes, and one poll can fall between the two, so the traffic would meet the drawings.
    quiet = 0
    while quiet < 3:
        tasks = pending()
        quiet = 0 if tasks else quiet + 1
        waited_for.update(path.rsplit(".", 1)[-1] for path in tasks)
        if time.monotonic() - started > timeout_s:
            sys.exit(
                f"the worker's background work did not finish within {timeout_s:.0f} s: {sorted(waited_for)}"
            )
        time.sleep(2)
    last = (
        DBTaskResult.objects.filter(task_path__endswith=".warm_pages", status="SUCCESSFUL")
        .order_by("-finished_at")
        .first()
    )
    return {
        "waited_s": round(time.monotonic() - started, 1),
        "tasks": sorted(waited_for),
        "report": last.return_value if last else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60, help="realistic-traffic duration (bounded)")
    parser.add_argument("--api-seconds", type=int, default=15, help="API series duration per target")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync worker processes")
    parser.add_argument("--cold-sample", type=int, default=0, help="cold renders of every Nth page only")
    parser.add_argument("--setup", action="store_true", help="create Datasette's virtual environment first")
    options = parser.parse_args()
    if options.setup:
        base.setup_peer()
    needed = ((base.PEER_VENV / "bin" / "datasette", "run with --setup"), ("wrk", "apt-get install wrk"))
    for tool, why in needed:
        if shutil.which(str(tool)) is None:
            sys.exit(f"{tool} is missing: {why}")
    shared = Path(os.environ.get("WSIS_SHARED_DATA", base.ROOT.parent / "shared" / "data"))
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    work = Path(tempfile.mkdtemp(prefix="wsis-bench-realistic-"))
    os.chmod(work, 0o755)
    results: dict = {"options": vars(options)}
    try:
        with base.postgres(work) as database_url, base.redis(work) as redis_url:
            env = base.production_env(database_url, work, redis_url)
            started = time.monotonic()
            base.load_data(env, shared, work)
            results["load_and_refresh_s"] = time.monotonic() - started
            base.export_observations(database_url, work / "obs.db")
            django_ready(env)
            from tests.public.test_public_page_cache import REVISED, revision_of_france
            from wsis.apps.public.warmup import api_series_path, sdmx_series_path, series_pairs
            from wsis.apps.publishing.models import Publication

            results["refresh_s"] = Publication.objects.get(state="current").seconds
            paths = cold_paths()[:: options.cold_sample or 1]
            pk, token, body = editor(env)
            queries = series_pairs()
            port, peer_port = base.free_port(), base.free_port()
            site, peer = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{peer_port}"
            gunicorn = [
                sys.executable, "-m", "gunicorn", "wsis.site.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(options.workers), "--backlog", "2048", "--timeout", "30",
            ]  # fmt: skip
            # 1. Cold renders: empty caches, no worker.
            shutil.rmtree(work / "data" / "cache", ignore_errors=True)
            with base.serving(gunicorn, env, site + "/healthz", work / "gunicorn-cold.log"):
                timings = [(p, *base.timed_request(site + p)) for p in paths]
            cold = [ms for _, ms, _ in timings]
            results["cold"] = {
                "pages": len(cold),
                "p50_ms": percentile(cold, 0.5),
                "p95_ms": percentile(cold, 0.95),
                "max_ms": max(cold),
                "slowest": sorted(timings, key=lambda t: -t[1])[:5],
                "by_kind": {
                    kind: {
                        "p50_ms": percentile([ms for p, ms, _ in timings if f"/{kind}/" in p], 0.5),
                        "p95_ms": percentile([ms for p, ms, _ in timings if f"/{kind}/" in p], 0.95),
                    }
                    for kind in ("economies", "groups", "indicators")
                },
            }
            print("  cold renders: done", flush=True)
            # 2. Realistic traffic, with the worker, edits and an import.
            from wsis.apps.public.warmup import popular_paths

            weighted(list(popular_paths()), work / "pages.tsv")
            worker = subprocess.Popen(
                [str(base.VENV_BIN / "wsis"), "worker"], env=env,
                stdout=(work / "worker.log").open("w"), stderr=subprocess.STDOUT,
            )  # fmt: skip
            edits: list = []
            fresh: dict = {}
            stop = threading.Event()
            try:
                with base.serving(gunicorn, env, site + "/healthz", work / "gunicorn.log"):
                    # A site that has been up since its last publication: the worker has warmed it.
                    results["warm_before_traffic"] = warmed()
                    print(
                        f"  warm-up after the last publication: {results['warm_before_traffic']}", flush=True
                    )
                    before = headline(site)
                    threads = [
                        threading.Thread(target=edit_loop, args=(site, pk, token, body, stop, edits)),
                        threading.Thread(
                            target=import_and_watch,
                            args=(site, env, revision_of_france(shared, work)),  # as the page-cache test
                            kwargs={
                                "delay": options.seconds / 3,
                                "before": before,
                                "revised": REVISED,
                                "out": fresh,
                            },
                        ),
                    ]
                    for t in threads:
                        t.start()
                    traffic = pick(site, work / "pages.tsv", options.clients, options.seconds)
                    stop.set()
                    for t in threads:
                        t.join(timeout=200)
                    print("  realistic traffic: done", flush=True)
                    # The open data reads in the same steady state: after the new publication's warm-up.
                    results["warm_after_import"] = warmed()
                    print(f"  warm-up after the import: {results['warm_after_import']}", flush=True)
                    # 3. API series over random economies, and the peer on the same rows.
                    (work / "api.tsv").write_text(
                        "".join(f"1\t{api_series_path(i, a)}\n" for i, a in queries)
                    )
                    (work / "peer.tsv").write_text(
                        "".join(
                            f"1\t/obs/observations.json?indicator={i}&area={a}&is_latest=1&{base.PEER_SHAPE}\n"
                            for i, a in queries
                        )
                    )
                    datasette = [
                        str(base.PEER_VENV / "bin" / "datasette"), "serve", "-i", str(work / "obs.db"),
                        "--host", "127.0.0.1", "--port", str(peer_port),
                        "--setting", "max_returned_rows", "1000", "--setting", "suggest_facets", "off",
                    ]  # fmt: skip
                    with base.serving(datasette, env, peer + "/-/versions.json", work / "datasette.log"):
                        api = pick(site, work / "api.tsv", options.clients, options.api_seconds)
                        datasette_result = pick(peer, work / "peer.tsv", options.clients, options.api_seconds)
                    # 4. The same series as SDMX data queries (generic SDMX-ML, the service's default).
                    (work / "sdmx.tsv").write_text(
                        "".join(f"1\t{sdmx_series_path(i, a)}\n" for i, a in queries)
                    )
                    sdmx = pick(site, work / "sdmx.tsv", options.clients, options.api_seconds)
            finally:
                stop.set()
                # The worker finishes its running task before it stops (a warm-up takes minutes): not here.
                worker.kill()
                worker.wait(timeout=30)
            results |= {
                "traffic": traffic,
                "edits": {
                    "count": len(edits),
                    "statuses": sorted({s for s, _ in edits}),
                    "p95_ms": percentile([ms for _, ms in edits], 0.95) if edits else None,
                },
                "freshness": fresh,
                "api": api,
                "datasette": datasette_result,
                "api_queries": len(queries),
                "sdmx": sdmx,
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(results)


def report(r: dict) -> None:
    def met(ok: bool) -> str:
        return "met" if ok else "NOT met"

    lines = [
        f"\nload average after: {os.getloadavg()[0]:.2f};"
        f" imports and refreshes {r['load_and_refresh_s']:.0f} s,"
        f" the current publication's refresh {r['refresh_s']:.1f} s",
    ]
    c = r["cold"]
    lines.append(
        f"cold renders ({c['pages']} pages, en + ar, one client, empty caches): p50 {c['p50_ms']:.0f} ms,"
        f" p95 {c['p95_ms']:.0f} ms, max {c['max_ms']:.0f} ms"
        f" - p95 < {COLD_TARGET_MS} ms {met(c['p95_ms'] < COLD_TARGET_MS)}"
    )
    for kind, k in c["by_kind"].items():
        lines.append(f"  {kind:<11} p50 {k['p50_ms']:.0f} ms  p95 {k['p95_ms']:.0f} ms")
    lines.append("  slowest: " + ", ".join(f"{p} {ms:.0f} ms" for p, ms, _ in c["slowest"]))
    t = r["traffic"]
    errors = t["socket_errors"] + t["non_2xx"]
    p95 = t["p95_us"] / 1000
    lines.append(
        f"realistic traffic ({r['options']['clients']} clients, {r['options']['seconds']} s, Zipf over every"
        f" page in 6 languages): {t['rps']:.0f} req/s, p50 {t['p50_us'] / 1000:.1f} ms, p95 {p95:.1f} ms,"
        f" p99 {t['p99_us'] / 1000:.1f} ms, {errors} errors ({t['timeouts']} time-outs)"
        f" - p95 < {TRAFFIC_TARGET_MS} ms, no error: {met(p95 < TRAFFIC_TARGET_MS and errors == 0)}"
    )
    warm_ups = (("warm_before_traffic", "before the traffic"), ("warm_after_import", "after the import"))
    for name, label in warm_ups:
        w = r.get(name) or {}
        lines.append(f"  warm-up {label}: waited {w.get('waited_s')} s for it; its report {w.get('report')}")
    e = r["edits"]
    lines.append(f"  edits through the API: {e['count']}, answers {e['statuses']}, p95 {e['p95_ms']} ms")
    f = r["freshness"]
    fresh = f.get("publication_s") or 1e9
    lines.append(
        f"  new release: import ok {f.get('import_ok')} in {f.get('import_s', 0):.1f} s; revised figure"
        f" served after {f.get('observation_s')} s, the new publication's aggregates after"
        f" {f.get('publication_s')} s - within {FRESH_TARGET_S} s {met(fresh < FRESH_TARGET_S)}"
    )
    a, d = r["api"], r["datasette"]
    ratio, p95 = a["rps"] / d["rps"], a["p95_us"] / 1000
    lines.append(
        f"API series over {r['api_queries']} random (indicator, economy) queries: {a['rps']:.0f} req/s,"
        f" p95 {p95:.1f} ms; Datasette {d['rps']:.0f} req/s, p95 {d['p95_us'] / 1000:.1f} ms;"
        f" throughput {ratio:.2f}x, p95 {a['p95_us'] / d['p95_us']:.2f}x"
        f" - p95 < {API_TARGET_MS} ms and >= {API_RATIO}x: {met(p95 < API_TARGET_MS and ratio >= API_RATIO)}"
    )
    sd = r["sdmx"]
    lines.append(
        f"SDMX data queries over the same series: {sd['rps']:.0f} req/s, p95 {sd['p95_us'] / 1000:.1f} ms,"
        f" {sd['socket_errors'] + sd['non_2xx']} errors - p95 < {API_TARGET_MS} ms:"
        f" {met(sd['p95_us'] / 1000 < API_TARGET_MS)}"
    )
    print("\n".join(lines))
    base.RESULTS.mkdir(parents=True, exist_ok=True)
    (base.RESULTS / "site-realistic.json").write_text(json.dumps(r, indent=2, default=str))
    print(f"\nwritten to {base.RESULTS / 'site-realistic.json'}")


if __name__ == "__main__":
    main()
