"""`wsis fetch` through the real network code path, against a local server serving the shared files."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from wsis.apps.warehouse.models import Observation, Release
from wsis.cli import main


@pytest.fixture()
def itu_server(shared: Path):
    """Answers the ITU DataHub API path for i99H with the recorded series answer."""
    body = (shared / "itu-datahub-api/itu-get-indicator-series.json").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            if self.path.startswith("/data/bycode/"):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.django_db
def test_fetch_itu_series_imports_a_release(itu_server: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["fetch", "itu", "i99H", "--base", itu_server, "--folder", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    release = Release.objects.get()
    assert release.origin.startswith(itu_server) and "i99H" in release.name
    assert Observation.objects.filter(release=release).count() > 0
    assert any(tmp_path.iterdir())


@pytest.mark.django_db
def test_unreachable_publisher_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["fetch", "worldbank", "IT.NET.USER.ZS", "--base", "http://127.0.0.1:9", "--folder", str(tmp_path)],
    )
    assert result.exit_code != 0 and "could not fetch worldbank IT.NET.USER.ZS" in result.output
    assert Release.objects.count() == 0


@pytest.mark.django_db
def test_demo_indicators_are_loaded_once_and_marked_synthetic() -> None:
    from wsis.apps.warehouse.demo import load_synthetic_indicators

    first = load_synthetic_indicators()
    assert "SYNTHETIC observations loaded" in first
    assert "already loaded" in load_synthetic_indicators()
    release = Release.objects.get()
    assert release.synthetic
    assert not Observation.objects.exclude(source__contains="SYNTHETIC").exists()
