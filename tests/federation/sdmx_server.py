"""A real SDMX source on loopback for the federation tests: a tiny stdlib HTTP server that answers SDMX
2.1 REST data paths (``/sdmx/rest/data/{flow}[/{key}[/{provider}]]``) with files - publishers' real
messages from the shared folder, or messages this software writes - honouring ``updatedAfter`` (a file
is new when it was put after that time; nothing new is the standard's 404 "No results found").

``down`` makes it answer 503 to the next N requests (a source in maintenance); every request is kept.
``routes`` answers other paths with fixed answers (a case studies feed and its documents)."""

from __future__ import annotations

import datetime as dt
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class SdmxFiles:
    files: dict[str, list[tuple[dt.datetime, Path]]] = field(default_factory=dict)
    down: int = 0
    requests: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    routes: dict[str, tuple[int, bytes, str]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)  # path -> Location of a 302

    @property
    def root(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.root}/sdmx/rest"

    def put(self, flow: str, path: Path, at: dt.datetime | None = None) -> None:
        self.files.setdefault(flow, []).append((at or dt.datetime.now(dt.UTC), path))

    def answer(self, path: str) -> tuple[int, bytes, str]:
        parsed = urllib.parse.urlsplit(path)
        self.requests.append(path)
        if self.down > 0:
            self.down -= 1
            return 503, b"Service unavailable", "text/plain"
        if parsed.path in self.routes:
            return self.routes[parsed.path]
        parts = parsed.path.split("/")
        if parts[:4] != ["", "sdmx", "rest", "data"] or len(parts) < 5:
            return 400, b"Syntax error", "text/plain"
        flow = parts[4].split(",")[1] if "," in parts[4] else parts[4]
        query = urllib.parse.parse_qs(parsed.query)
        after = None
        if "updatedAfter" in query:
            after = dt.datetime.fromisoformat(query["updatedAfter"][0].replace("Z", "+00:00"))
        new = [p for at, p in self.files.get(flow, []) if after is None or at > after]
        if not new:
            return 404, b"No results found", "text/plain"
        return 200, new[-1].read_bytes(), "application/vnd.sdmx.genericdata+xml;version=2.1"

    def __enter__(self) -> SdmxFiles:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                if self.path in owner.redirects:
                    owner.requests.append(self.path)
                    self.send_response(302)
                    self.send_header("Location", owner.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, body, media = owner.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()
