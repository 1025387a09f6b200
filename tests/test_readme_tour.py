"""The README's tour, run as written: every `wsis ...` command and every site URL of its "A short tour"
section, against a fresh installation (a temporary SQLite data folder), with the shared publisher files
standing in for the internet.

- Every command must name only subcommands and options the CLI has (click's command tree; Django's
  management commands for `wsis manage`), placeholders (FILE, DIR, ...) included.
- Runnable commands run in README order in subprocesses, as a reader would type them, and must exit as
  expected (0, or non-zero where the README says the command names what is missing) with output that
  shows they did their job. Placeholders are filled with real values where the installation has them.
- Commands the README marks "(needs internet)" run against the shared files: `wsis setup --real-data`
  reads them with `--from`, `wsis fetch worldbank ...` asks a local server that answers like the World
  Bank API from the shared bulk file.
- Every URL is fetched from `wsis serve` (gunicorn) and must answer 200 with content that shows the page
  is the one described; the API documentation must render in a real browser with no network but ours.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import click
import pytest
from lxml import etree

from wsis.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

#: Words of the README that stand for a value the reader supplies.
PLACEHOLDERS = {
    "FILE",
    "FILE...",
    "DIR",
    "DATA",
    "RELEASE",
    "A",
    "B",
    "S",
    "P",
    "W",
    "VAR=LEVEL",
    "...",
    "CODE",
}
INTERNET = "(needs internet)"


def tour() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## A short tour")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def spans(text: str) -> list[str]:
    """The inline code of the text, whitespace normalised (a span may wrap over two lines)."""
    return [" ".join(s.split()) for s in re.findall(r"`([^`]+)`", text)]


def commands(text: str) -> list[str]:
    return [s for s in spans(text) if s == "wsis" or s.startswith("wsis ")]


def urls(text: str) -> list[str]:
    return [s for s in spans(text) if s.startswith("/") and "..." not in s and "*" not in s]


def needing_internet(text: str) -> set[str]:
    flat = " ".join(text.split())
    return {" ".join(m.split()) for m in re.findall(r"`(wsis [^`]+)` \(needs internet\)", flat)}


def is_template(command: str) -> bool:
    return any(word in PLACEHOLDERS or "|" in word for word in command.split())


# --- the CLI's own tree ------------------------------------------------------------------------------------


def check_against_cli(command: str) -> list[str]:
    """What in ``command`` the CLI does not have: unknown subcommands or options (empty if all exist)."""
    words = shlex.split(command)[1:]
    node: click.Command = main
    problems: list[str] = []
    path = ["wsis"]
    while (
        words
        and isinstance(node, click.Group)
        and not words[0].startswith("-")
        and words[0] not in PLACEHOLDERS
    ):
        name = words.pop(0)
        alternatives = name.split("|")
        context = click.Context(node)
        missing = [a for a in alternatives if node.get_command(context, a) is None]
        if missing:
            problems.append(f"`{' '.join(path)}` has no subcommand {', '.join(missing)}")
            return problems
        found = node.get_command(context, alternatives[0])
        assert found is not None
        node = found
        path.append(name)
    if path[1:2] == ["manage"]:
        return problems + _check_management(words)
    known = {o for p in node.params for o in (*p.opts, *p.secondary_opts)} | {"--help", "-h"}
    for word in words:
        option = word.split("=", 1)[0]
        if option.startswith("-") and option not in known:
            problems.append(f"`{' '.join(path)}` has no option {option}")
    return problems


def _check_management(words: list[str]) -> list[str]:
    from django.core.management import get_commands

    if words and words[0] not in get_commands():
        return [f"`wsis manage` has no Django command {words[0]}"]
    return []


def test_the_tour_names_only_what_the_cli_has() -> None:
    found = commands(tour())
    assert len(found) > 20, "the tour's commands were not found: did the README's layout change?"
    problems = [f"{c}: {p}" for c in found for p in check_against_cli(c)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "command, problem",
    [
        ("wsis query --indicator i99H --colour red", "`wsis query` has no option --colour"),
        ("wsis setup --realdata", "`wsis setup` has no option --realdata"),
        ("wsis prizes create|vote", "`wsis prizes` has no subcommand vote"),
        ("wsis index rank", "`wsis index` has no subcommand rank"),
        ("wsis manage no_such_command", "`wsis manage` has no Django command no_such_command"),
    ],
)
def test_the_check_catches_what_the_cli_lacks(command: str, problem: str) -> None:
    assert check_against_cli(command) == [problem]


def test_internet_commands_are_marked_and_stood_in_for() -> None:
    """Each command marked as needing the internet has a stand-in here, and nothing else is stood in for."""
    assert needing_internet(tour()) == set(STAND_INS)


# --- running the tour --------------------------------------------------------------------------------------


@dataclass
class Installation:
    home: Path  # the data folder
    work: Path  # the reader's working folder (where out.xml lands)
    env: dict[str, str]
    worldbank: str  # base URL of the stand-in World Bank API

    def run(self, command: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own command line, no shell
            [str(Path(sys.executable).with_name("wsis")), *shlex.split(command)[1:]],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


class WorldBankApi(BaseHTTPRequestHandler):
    """Answers `/v2/country/all/indicator/IT.NET.USER.ZS?format=json...` as the World Bank API v2 does, with
    the records of the shared bulk file of that series."""

    records: list[dict[str, Any]] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        if parts.path != "/v2/country/all/indicator/IT.NET.USER.ZS" or query.get("format") != "json":
            self.send_error(404)
            return
        per_page, page = int(query.get("per_page", "50")), int(query.get("page", "1"))
        pages = max(1, -(-len(self.records) // per_page))
        paging = {"page": page, "pages": pages, "per_page": per_page, "total": len(self.records)}
        paging["lastupdated"] = "2024-12-16"
        body = json.dumps([paging, self.records[(page - 1) * per_page : page * per_page]]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def worldbank_records(shared: Path) -> list[dict[str, Any]]:
    (path,) = (shared / "worldbank").glob("API_IT.NET.USER.ZS_DS2_*.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header_at = next(i for i, row in enumerate(rows) if row[:2] == ["Country Name", "Country Code"])
    header = rows[header_at]
    records = []
    for row in rows[header_at + 1 :]:
        for year, value in zip(header[4:], row[4:], strict=False):
            if year.isdigit() and value.strip():
                records.append(
                    {
                        "indicator": {"id": "IT.NET.USER.ZS", "value": row[2]},
                        "country": {"id": row[1], "value": row[0]},
                        "countryiso3code": row[1],
                        "date": year,
                        "value": float(value),
                        "unit": "",
                        "obs_status": "",
                        "decimal": 1,
                    }
                )
    return records


@pytest.fixture(scope="module")
def installation(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    """A fresh installation: empty SQLite data folder, `wsis setup` without the demonstration. The tour's
    own commands (its `wsis setup --real-data` first) load the rest. `wsis dump DIR` is not run (the
    warehouse's export tests write the dump; here it would take a minute): its options are checked."""
    home = tmp_path_factory.mktemp("readme-home")
    work = tmp_path_factory.mktemp("readme-work")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WSIS_")}
    env.update(WSIS_DATA_DIR=str(home), WSIS_SHARED_DATA=str(shared), WSIS_PAGE_STATE_SECONDS="0")
    # No page warm-up after each import: `wsis worker` would then draw every page and chart in six
    # languages (minutes of work, tested in tests/public/test_public_publication.py), not the tour's point.
    env["WSIS_WARM_PAGES"] = "0"
    # Nothing may reach the real publishers: an unset stand-in fails fast instead.
    env.update(WSIS_FETCH_ITU="http://127.0.0.1:9/v2", WSIS_FETCH_SDG="http://127.0.0.1:9")
    WorldBankApi.records = worldbank_records(shared)
    server = ThreadingHTTPServer(("127.0.0.1", 0), WorldBankApi)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    env["WSIS_FETCH_WORLDBANK"] = f"http://127.0.0.1:{server.server_address[1]}/v2"
    setup = Installation(home, work, env, env["WSIS_FETCH_WORLDBANK"])
    done = setup.run("wsis setup --no-demo")
    assert done.returncode == 0, done.stderr
    try:
        yield setup
    finally:
        server.shutdown()
        server.server_close()


#: Commands marked "(needs internet)" -> the arguments that point them at the shared files instead.
STAND_INS = {
    "wsis setup --real-data": lambda i, shared: ["--from", str(shared)],
    "wsis fetch worldbank IT.NET.USER.ZS": lambda i, shared: ["--base", i.worldbank],
}
#: Placeholders filled with what the installation holds (after the tour's set-up: release 1 is the ITU
#: files, 2 the World Bank's, 3 the series `wsis fetch` downloaded).
FILLED = {
    "wsis import FILE...": lambda shared: f"wsis import {shared}/worldbank/it.net.bbnd.p2.csv",
    "wsis revisions A B": lambda shared: "wsis revisions 2 3",
    "wsis quality RELEASE": lambda shared: "wsis quality 1",
}
#: What a command must print (all of these, on stdout or stderr), and its exit status when not 0.
EXPECTED: dict[str, tuple[list[str], int]] = {
    "wsis workspaces digest --period daily": (["daily digests sent"], 0),
    "wsis workspaces digest --period weekly": (["weekly digests sent"], 0),
    "wsis --help": (["Usage:", "import", "affordability"], 0),
    "wsis reference check": (["reference data valid"], 0),
    "wsis reference lines": (["C7"], 0),
    "wsis reference economy KEN": (["Kenya"], 0),
    "wsis reference group LDC --on 2023-06-30": (["BTN"], 0),
    "wsis reference target 9.c": (["9.c"], 0),
    "wsis setup --real-data": (["release", "ITU", "World Bank", "observations written"], 0),
    "wsis fetch worldbank IT.NET.USER.ZS": (["fetched", "IT.NET.USER.ZS", "observations written"], 0),
    "wsis import FILE...": (["observations written"], 0),
    "wsis query --indicator i99H --area KEN": (["i99H", "KEN", "observation(s)"], 0),
    "wsis export --indicator i99H --format sdmx-ml -o out.xml": (["written to out.xml"], 0),
    "wsis releases": (["ITU", "World Bank"], 0),
    "wsis revisions A B": (["change(s)"], 0),
    "wsis quality RELEASE": (["quality flag(s)"], 0),
    "wsis manage registry_maintenance": ([], 0),
    "wsis manage registry_dump": (["registry.csv", "registry-iati.xml"], 0),
    "wsis aggregate --indicator i99H --group WLD --period 2022": (["WLD", "input releases"], 0),
    "wsis affordability": (["i271mb_5GB$", "input releases"], 0),
    # The IDI's inputs are not in the default set: the command must say which are missing, and fail.
    "wsis index compute --methodology idi-2024": (
        ["scored no economy", "i911mw_IDI", "not in the warehouse", "economies lack it"],
        1,
    ),
    "wsis manage createsuperuser": (["Superuser created"], 0),
    "wsis worker": ([], 0),
    "wsis refresh": (["publication"], 0),
    # The tour's installation holds real releases: the demonstration is refused, and there is none to remove.
    "wsis demo load": (["holds real releases", "nothing was loaded"], 1),
    "wsis demo remove": (["demonstration retired"], 0),
    "wsis report annual --year 2024 --language fr --format pdf -o rapport.pdf": (
        ["annual report 2024 (fr, draft", "written to rapport.pdf"],
        0,
    ),
    "wsis report country --economy KEN --year 2024": (["Kenya", "Individuals using the Internet"], 0),
    # Nothing in the registry or the calls on the line yet: the command says so and fails.
    "wsis report action-line --line C7.d --year 2024": (["no data for a 2024 report on C7.d"], 1),
    "wsis report remind": (["0 reminders sent"], 0),
}
#: Commands of the tour that are not run as written, and why.
NOT_RUN = {
    "wsis serve": "the URL test below serves the site with it",
    "wsis import": "named in the prose; `wsis import FILE...` runs above",
    "wsis registry import-iati": "needs an IATI file: tests/registry/test_iati_publishers.py runs it on each "
    "publisher's file",
    "wsis survey": "the command family's name: tests/engine/survey runs its commands on R's reference cases",
    "wsis survey weights": "needs a design and margins: tests/engine/survey runs it on the calibration cases",
    "wsis serve --no-demo": "a form of `wsis serve`, which runs until stopped (the URL test serves with it)",
    "wsis setup": "the fresh installation is made with it (--no-demo: the real data would retire it at once)",
    "wsis setup --real-data --from DIR": "the tour's `wsis setup --real-data` runs as exactly this",
    "wsis fetch --no-import --folder DIR": "a form of `wsis fetch`, run above",
}
#: Extra arguments a command needs to run without a terminal.
UNATTENDED = {
    "wsis manage createsuperuser": ["--noinput", "--username", "tour", "--email", "tour@example.org"],
    # A worker waits for tasks until stopped: the tour runs what is queued, then stops.
    "wsis worker": ["--batch"],
}


@dataclass
class Ran:
    line: str  # as run: placeholders filled, stand-in arguments added
    status: int
    output: str
    seconds: float


@pytest.fixture(scope="module")
def toured(installation: Installation, shared: Path) -> dict[str, Ran]:
    """Every runnable command of the tour, run once in README order; the site below shows their result."""
    ran = {}
    for command in commands(tour()):
        if command in NOT_RUN or (is_template(command) and command not in FILLED):
            continue
        line = FILLED[command](shared) if command in FILLED else command
        extra = STAND_INS[command](installation, shared) if command in STAND_INS else []
        extra += UNATTENDED.get(command, [])
        line = " ".join([line, *map(shlex.quote, extra)])
        started = time.monotonic()
        done = installation.run(line)
        ran[command] = Ran(line, done.returncode, done.stdout + done.stderr, time.monotonic() - started)
    return ran


def test_the_tour_commands_run(toured: dict[str, Ran]) -> None:
    found = commands(tour())
    skipped = [c for c in found if c not in toured and c not in NOT_RUN]
    # Only forms with several alternatives or free arguments stay unrun; their options were checked above.
    assert all(is_template(c) for c in skipped), skipped
    unexpected = [c for c in toured if c not in EXPECTED]
    assert not unexpected, f"add what these README commands must print to EXPECTED: {unexpected}"
    failures = []
    for command, ran in toured.items():
        print(f"{ran.seconds:6.1f} s  {ran.line}")  # the run time of each, shown with -s
        words, status = EXPECTED[command]
        missing = [w for w in words if w not in ran.output]
        if ran.status != status or missing:
            failures.append(
                f"{ran.line} -> exit {ran.status} (expected {status}), missing {missing}:\n"
                f"{ran.output[-1500:]}"
            )
    assert not failures, "\n\n".join(failures)


def test_the_sdmx_export_is_stamped_when_prepared(toured: dict[str, Ran], installation: Installation) -> None:
    """`wsis export --format sdmx-ml` once stamped every file Prepared 2000-01-01."""
    header = etree.parse(str(installation.work / "out.xml")).getroot()
    prepared = header.findtext(".//{*}Header/{*}Prepared")
    assert prepared is not None
    stamped = dt.datetime.fromisoformat(prepared.replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.UTC) - stamped).total_seconds()) < 3600, prepared
    assert len(header.findall(".//{*}Obs")) > 10


# --- the site ---------------------------------------------------------------------------------------------

#: What each URL of the tour must show (in its HTML or JSON).
PAGES = {
    "/en/registry/": ["<h1"],
    "/en/registry/tokens/": ["password"],  # signed out: the sign-in page
    "/en/prizes/": ["<h1"],
    "/api/v1/": ['"endpoints"', "/api/v1/observations", "/api/v1/openapi.json"],
    "/api/v1/openapi.json": ['"openapi"', '"paths"'],
    "/api/v1/docs": ['lang="en"', "vendor/swagger-ui/swagger-ui-bundle", "swagger-settings"],
    "/en/admin/": ["password"],  # signed out: the sign-in page
    "/en/reports/calls/": ["password"],  # signed out: the sign-in page
    "/en/reports/drafts/": ["password"],
    "/en/": ["WSIS"],
    "/ar/": ['dir="rtl"'],
    "/zh-hans/": ['lang="zh-hans"'],
    "/fr/": ['lang="fr"'],
    "/ru/": ['lang="ru"'],
    "/es/": ['lang="es"'],
    "/en/economies/KEN/": ["Kenya", "Individuals using the Internet"],
    "/en/groups/LDC/?on=2024-06-30": ["Least developed", "Afghanistan"],
    "/en/compare/?economies=KEN,UGA&indicators=i99H,i992b": ["Kenya", "Uganda"],
    "/en/indicators/i99H/?year=2022&economies=KEN,FRA": ["Kenya", "France", "2022", '<img src="/charts/'],
    "/en/action-lines/C7/": ["C7"],
    "/en/search/?q=كينيا": ["Kenya"],
    "/en/embed/indicators/i99H/map/": ['<img src="/charts/', "embed-source", "ITU"],
    "/en/embed/economies/KEN/i99H/": ["Kenya", '<img src="/charts/'],
    "/en/downloads/": ["Bulk downloads", "SHA-256"],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(installation: Installation, toured: dict[str, Ran]) -> Iterator[str]:
    """`wsis serve` (gunicorn) on the installation the tour's commands made; stopped by its own process id
    afterwards."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command line, no shell
        [str(Path(sys.executable).with_name("wsis")), "serve", "--no-setup", "--port", str(port)],
        cwd=installation.work,
        env=installation.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{root}/healthz", timeout=30)  # noqa: S310 - our server
                break
            except OSError:  # refused while gunicorn starts (URLError), or slow to answer (timeout)
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"wsis serve did not start: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                time.sleep(0.3)
        yield root
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:  # noqa: S310 - our server
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


def test_the_tour_urls_answer(site: str) -> None:
    found = urls(tour())
    unexpected = [u for u in found if u not in PAGES]
    assert not unexpected, f"add what these README URLs must show to PAGES: {unexpected}"
    failures = []
    for url in found:
        status, body = _get(site + urllib.parse.quote(url, safe="/?=&,"))
        missing = [w for w in PAGES[url] if w not in body]
        if status != 200 or missing:
            text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
            failures.append(f"{url} -> {status}, missing {missing}; the page says: {text[:800]}")
    assert not failures, "\n".join(failures)


def test_the_api_index_lists_every_endpoint(site: str) -> None:
    status, body = _get(f"{site}/api/v1/")
    index = json.loads(body)
    _, described = _get(f"{site}/api/v1/openapi.json")
    paths = json.loads(described)["paths"]
    listed = {(e["method"], e["path"]) for e in index["endpoints"]}
    assert listed == {(m.upper(), p) for p, ops in paths.items() for m in ops}
    assert index["docs"] == f"{site}/api/v1/docs"


def test_the_api_documentation_renders_offline(site: str, browser) -> None:
    """Swagger UI comes from our static files: with every other host cut off it still draws the API."""
    page = browser.new_page()
    blocked: list[str] = []
    refused: list[str] = []  # what the Content-Security-Policy stopped (Swagger UI must work under it)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    def only_ours(route: Any) -> None:
        if route.request.url.startswith(site):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    page.goto(f"{site}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "WSIS Observatory API" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() > 10  # the operations are drawn
    assert page.get_attribute("html", "lang") == "en"
    assert not blocked, f"the documentation asked other hosts: {blocked}"
    assert not refused, refused
    page.close()
