"""README command 1, end to end: `wsis serve` sets up a fresh database and serves the reference pages in
all six languages over real HTTP (gunicorn), on the database of this test run's engine."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    port = _free_port()
    data = tmp_path_factory.mktemp("serve-data")
    env = {**os.environ, "WSIS_DATA_DIR": str(data)}
    log = (Path(data) / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "wsis", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"wsis serve exited with {process.returncode}: {(Path(data) / 'server.log').read_text()}"
            )
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - loopback test server
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("wsis serve did not answer within 120 s")
    yield base
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_served_pages_in_every_language(server: str, lang: str) -> None:
    for page in ("", "action-lines/C3/", "sdgs/targets/9.c/", "economies/BRA/", "groups/SIDS/"):
        with urllib.request.urlopen(f"{server}/{lang}/{page}", timeout=30) as response:  # noqa: S310
            html = response.read().decode()
        assert response.status == 200
        assert f'lang="{lang}"' in html


def test_static_files_are_fingerprinted_and_compressed(server: str) -> None:
    with urllib.request.urlopen(f"{server}/en/", timeout=30) as response:  # noqa: S310
        html = response.read().decode()
    href = html.split('rel="stylesheet" href="')[1].split('"')[0]
    assert href.startswith("/static/css/site.") and href.endswith(".css") and href != "/static/css/site.css"
    request = urllib.request.Request(server + href, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.headers["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in response.headers["Cache-Control"]


def test_a_server_process_loads_its_url_map_and_languages_before_its_first_visitor(tmp_path: Path) -> None:
    """Importing the WSGI application (what each gunicorn worker does at start) leaves the URL map imported,
    the reverse map of every language built and the main templates compiled: no visitor pays for them."""
    probe = (
        "import json, wsis.site.wsgi\n"
        "from django.template import engines\n"
        "from django.urls import get_resolver\n"
        "resolver = get_resolver()\n"
        "loader = engines['django'].engine.template_loaders[0]\n"
        "print(json.dumps({'languages': sorted(resolver._reverse_dict),"
        " 'populated': resolver._populated,"
        " 'templates': sorted(k for k in loader.get_template_cache if k.startswith('public/'))}))\n"
    )
    env = {**os.environ, "WSIS_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "wsis.site.settings"}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(LANGUAGES) <= set(state["languages"]), state
    assert "public/economy.html" in state["templates"] and "public/group.html" in state["templates"], state
