"""HTTP for pulls: one request's answer streamed with a size limit, and transient failures (connection
refused or reset, timeouts, 5xx) retried with exponential back-off. Whatever a source sent that cannot be
accepted is refused at once, not retried."""

from __future__ import annotations

import logging
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import TypeVar

import requests
from django.conf import settings

from wsis.engine.readers.sdmx import MAX_BYTES

log = logging.getLogger("wsis.apps.federation.domain.pull")
CHUNK = 1 << 16
T = TypeVar("T")


class SourceDown(Exception):
    """The source did not answer usefully after every retry (connection, timeout, 5xx)."""


class MessageRefused(Exception):
    """The source answered with something that is not acceptable (one-line reason)."""


class Transient(Exception):
    pass


def retries() -> int:
    return int(getattr(settings, "WSIS_FEDERATION_RETRIES", 3))


def backoff() -> float:
    return float(getattr(settings, "WSIS_FEDERATION_BACKOFF_SECONDS", 2.0))


def timeout() -> float:
    return float(getattr(settings, "WSIS_FEDERATION_TIMEOUT_SECONDS", 30.0))


def max_bytes() -> int:
    return int(getattr(settings, "WSIS_FEDERATION_MAX_BYTES", MAX_BYTES))


def with_retries(url: str, attempt: Callable[[], T], counted: Callable[[], None]) -> T:
    """``attempt()`` until it succeeds or raises other than :class:`Transient`; ``counted()`` is called
    before each attempt (the pull's record counts them). Raises :class:`SourceDown` after the last."""
    last: Exception | None = None
    for n in range(retries() + 1):
        counted()
        if n:
            time.sleep(backoff() * 2 ** (n - 1))
        try:
            return attempt()
        except Transient as exc:
            last = exc
            log.warning("federation: %s attempt %d failed: %s", url, n + 1, exc)
    raise SourceDown(f"{url}: {last}")


def chunks(
    session: requests.Session, request: requests.PreparedRequest, limit: int
) -> Iterator[bytes] | None:
    """The answer's body in chunks, refused past ``limit`` bytes; None for a 404 (SDMX's "No results
    found": nothing new). Connection errors and 5xx are :class:`Transient`, other answers refused."""
    response = _followed(session, request)
    if response.status_code >= 500:
        response.close()
        raise Transient(f"HTTP {response.status_code}")
    if response.status_code == 404:
        response.close()
        return None
    if response.status_code != 200:
        response.close()
        raise MessageRefused(f"{request.url}: HTTP {response.status_code} {response.reason}")
    declared = int(response.headers.get("Content-Length") or 0)
    if declared > limit:
        response.close()
        raise MessageRefused(f"{request.url}: message of {declared} bytes, over the {limit}-byte limit")
    return _limited(response, str(request.url), limit)


#: Redirects followed, each to the same host as the request: a source may move a path, but cannot send
#: the pull to another machine (an internal address the international instance can reach).
REDIRECTS_MAX = 5


def _followed(session: requests.Session, request: requests.PreparedRequest) -> requests.Response:
    origin = urllib.parse.urlsplit(str(request.url))
    for _ in range(REDIRECTS_MAX + 1):
        try:
            response = session.send(request, stream=True, timeout=timeout(), allow_redirects=False)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Transient(type(exc).__name__ + ": " + str(exc).split("\n")[0][:200]) from exc
        except requests.RequestException as exc:
            raise MessageRefused(f"{request.url}: {exc}") from exc
        if not response.is_redirect:
            return response
        response.close()
        target = urllib.parse.urljoin(str(request.url), response.headers.get("Location", ""))
        moved = urllib.parse.urlsplit(target)
        if (moved.scheme, moved.netloc) != (origin.scheme, origin.netloc) and not (
            # http -> https on the same host is the one move between origins a service commonly makes.
            origin.scheme == "http" and moved.scheme == "https" and moved.hostname == origin.hostname
        ):
            raise MessageRefused(f"{request.url}: redirected to another host ({target[:200]}); not followed")
        request = request.copy()
        request.prepare_url(target, None)
    raise MessageRefused(f"{origin.geturl()}: more than {REDIRECTS_MAX} redirects")


def _limited(response: requests.Response, url: str, limit: int) -> Iterator[bytes]:
    size = 0
    with response:
        try:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise MessageRefused(f"{url}: message over the {limit}-byte limit")
                yield chunk
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Transient(type(exc).__name__ + ": " + str(exc).split("\n")[0][:200]) from exc


def body(session: requests.Session, request: requests.PreparedRequest, limit: int) -> bytes | None:
    """The whole answer (within ``limit`` bytes), None for a 404."""
    parts = chunks(session, request, limit)
    return None if parts is None else b"".join(parts)
