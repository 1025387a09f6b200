"""Whole-page server-side cache of the public pages, keyed by the state of the data they show.

A public page is a pure function of its URL (path, query, language prefix) and of the data in the
database: the warehouse releases, the stocktaking registry and the reference knowledge (names, groups and
their memberships, the WSIS-SDG matrix, stored computations). The cache key therefore holds the path with
its query, the language and a fingerprint of that data state, read from the database with one cheap query
(on every request, or once per WSIS_PAGE_STATE_SECONDS). A new release, an edited initiative or a
re-synchronised reference file changes the fingerprint, so the next request renders the page afresh - in
every process, whichever process (a worker, the `wsis import` command) wrote the data.
Nothing is ever purged by hand: old entries just age out of the cache.

Visitors with a session (signed-in users) bypass the cache, so nothing personal is ever stored or
served to someone else; so do non-GET requests and responses other than a plain 200 without cookies.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language

from wsis.apps.measure.models import Computation
from wsis.apps.reference.models import MatrixVersion, Membership, ReferenceRelease
from wsis.apps.registry.models import Initiative
from wsis.apps.warehouse.models import Release

#: The cache alias the pages go to (settings.CACHES), and how long an entry may live at most. New data
#: invalidate entries at once through the key, so the timeout only bounds memory held by stale entries.
CACHE_ALIAS = "pages"
TIMEOUT_SECONDS = 24 * 3600
#: What browsers and shared caches may keep: short, because a new release must reach visitors soon.
BROWSER_MAX_AGE = 300
#: The response headers a cached page keeps (others, e.g. Vary from middleware, are added on each request).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Last-Modified")

View = Callable[..., HttpResponse]


#: (model, the column whose maximum moves on every addition or edit) of what the pages show.
WATCHED: tuple[tuple[type[Model], str], ...] = (
    (Release, "imported_at"),
    (Initiative, "updated_at"),
    (ReferenceRelease, "loaded_at"),
    (Membership, "id"),
    (MatrixVersion, "id"),
    (Computation, "id"),
)


@functools.cache
def _state_sql() -> str:
    selects = []
    for model, column in WATCHED:
        table = connection.ops.quote_name(model._meta.db_table)
        field = connection.ops.quote_name(model._meta.get_field(column).column)
        # Quoted names from the models' metadata, no user input.
        selects.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({field}) FROM {table})")  # noqa: S608
    return "SELECT " + ", ".join(selects)


def data_state() -> str:
    """A fingerprint of everything a public page shows that can change while the site runs.

    Per watched table, the row count catches deletions and the maximum of an id or timestamp catches
    additions and edits. One round trip of scalar subqueries, each on a primary key or a small table.
    """
    with connection.cursor() as cursor:
        cursor.execute(_state_sql())
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:24]


#: (monotonic time until which it holds, state): this process's last reading of the data state.
_last_reading: tuple[float, str] = (0.0, "")


def current_state() -> str:
    """The data state, read again at most every WSIS_PAGE_STATE_SECONDS in this process.

    0 reads it on every request: new data show at once. The default allows one second: the query is half
    the cost of serving a cached page, and new data then show after at most that delay."""
    global _last_reading
    seconds = settings.WSIS_PAGE_STATE_SECONDS
    if seconds <= 0:
        return data_state()
    now = time.monotonic()
    until, state = _last_reading
    if now >= until:
        state = data_state()
        _last_reading = (now + seconds, state)
    return state


def page_key(request: HttpRequest, state: str) -> str:
    raw = f"{request.get_full_path()}|{get_language()}|{state}"
    return "public-page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable_request(request: HttpRequest) -> bool:
    # A token (API) or a session (site) may see more than the public: such requests are never cached.
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "Authorization" not in request.headers
    )


def _cacheable_response(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cookie" not in response.get("Vary", "")
    )


def _mark(response: HttpResponse, hit: bool) -> HttpResponse:
    # Private would be wrong: the page is the same for every anonymous visitor of this URL, and the
    # language is in the path, so shared caches (a national proxy on a slow link) may keep it too.
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
    response["X-Page-Cache"] = "hit" if hit else "miss"
    return response


@dataclass(frozen=True)
class StoredPage:
    """A rendered page as kept in the cache: compressed once, with its validator computed once, so a hit
    costs neither gzip nor hashing of a page that can weigh a few hundred kilobytes before compression."""

    content: bytes
    gzipped: bytes
    etag: str
    headers: dict[str, str]

    @classmethod
    def of(cls, response: HttpResponse) -> StoredPage:
        content = response.content
        return cls(
            content=content,
            gzipped=compress_string(content),
            # A view's own validator (the API's, from the warehouse state) stays valid for its clients.
            etag=response.get("ETag") or f'"{hashlib.sha256(content).hexdigest()[:32]}"',
            headers={h: response[h] for h in KEPT_HEADERS if h in response},
        )

    def response(self, request: HttpRequest) -> HttpResponse:
        # GZipMiddleware leaves an encoded response alone; ConditionalGetMiddleware answers 304 on the ETag.
        gzip = re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")) is not None
        response = HttpResponse(self.gzipped if gzip else self.content, headers=self.headers)
        patch_vary_headers(response, ("Accept-Encoding",))
        if gzip:
            response["Content-Encoding"] = "gzip"
            # As GZipMiddleware marks a compressed variant.
            response["ETag"] = self.etag if self.etag.startswith("W/") else "W/" + self.etag
        else:
            response["ETag"] = self.etag
        return response


def cached_page(view: View) -> View:
    """Serve ``view``'s page from the page cache while the data it shows are unchanged."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        key = page_key(request, current_state())
        stored = cache.get(key)
        if stored is not None:
            return _mark(stored.response(request), hit=True)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()  # a TemplateResponse: cache what the visitor gets
        if _cacheable_response(response):
            cache.set(key, StoredPage.of(response), TIMEOUT_SECONDS)
            return _mark(response, hit=False)
        return response

    return wrapper
