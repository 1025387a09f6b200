"""Whole-page server-side cache of the public pages, keyed by what each page depends on.

A public page is a pure function of its URL (path, query, language prefix) and of the data it shows. Each
cached view names its dependencies, and the cache key holds a token of each, read from the database:

* ``publication`` - the current publication of measurement figures (``wsis.apps.publishing``);
* ``warehouse`` - the releases (a new import);
* ``reference`` - the reference knowledge (names, groups and memberships, the WSIS-SDG matrix);
* ``registry`` - every initiative (any insert or update, logged by database triggers);
* ``casestudies`` - the country case studies (published here or pulled from a national instance), and
  ``casestudies:economy`` / ``casestudies:line`` those of the page's economy or action line only;
* ``registry:economy`` / ``registry:line`` - only the initiatives of the page's economy or action line
  (count and last update), so an edited initiative renders again the pages that list it and no other;
* ``published:economy`` / ``published:group`` / ``published:indicator`` - only what the page's economy,
  group or indicator shows, as the current publication records it (``publishing.domain.pages``), so a
  release that revises France's figures renders again France's profile and the pages of the indicators
  revised, not every page (the group profiles follow it too: their aggregates are one computation over
  every group). ``published:indicator-query`` is the same for an API read of one ``?indicator=``. Until a
  publication has caught up with a new import, these follow the whole warehouse instead.

So an edit of an initiative leaves the indicator pages and group profiles cached, a new publication leaves
the action-line pages and the pages whose figures it did not change cached, and nothing is ever purged by
hand: old entries just age out. The cache is shared by every worker (files under the data folder, or Redis
in production; settings.CACHES), and each process re-reads a token at most every
WSIS_PAGE_STATE_SECONDS.

Visitors with a session (signed-in users) bypass the cache, so nothing personal is ever stored or
served to someone else; so do non-GET requests and responses other than a plain 200 without cookies.

When a page's data change, its previous rendering is not thrown away at once (stale-while-revalidate, as
HTTP caches do it): one request renders the page again while every other visitor of that URL keeps getting
the previous rendering, so a popular page is never rendered by many workers at once. For the first
WSIS_PAGE_STALE_SECONDS after the previous rendering was found outdated, no visitor renders at all: it is
served while the background warm-up (``warmup.py``, which always renders) puts the new one in place, so a
new publication or a burst of edits does not turn every visit into a cold render. The window runs from
that first finding, not from the newest data state, so edits made every few seconds delay a page by that
window at most. Signed-in editors never see a stale page: they bypass the cache.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Max, Model
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language

from wsis.apps.federation.models import CaseStudy
from wsis.apps.publishing.domain import current, pages
from wsis.apps.reference.models import MatrixVersion, Membership, ReferenceRelease
from wsis.apps.registry.models import IndexChange, Initiative

#: The cache alias the pages go to (settings.CACHES), and how long an entry may live at most. New data
#: invalidate entries at once through the key, so the timeout only bounds memory held by stale entries.
CACHE_ALIAS = "pages"
TIMEOUT_SECONDS = 24 * 3600
#: What browsers and shared caches may keep: short, because a new release must reach visitors soon.
BROWSER_MAX_AGE = 300
#: The response headers a cached page keeps (others, e.g. Vary from middleware, are added on each request).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Last-Modified")
#: How long one request may hold the right to render a changed page before another may take it (a render
#: that dies leaves its lock to expire); meanwhile the others get the previous rendering.
RENDER_LOCK_SECONDS = 30

#: Set by the warm-up: render every page afresh, never answer with a previous rendering.
_rendering_afresh: contextvars.ContextVar[bool] = contextvars.ContextVar("rendering_afresh", default=False)


@contextlib.contextmanager
def rendering_afresh() -> Iterator[None]:
    """Within this block, cached pages whose data changed are rendered now, not served stale."""
    token = _rendering_afresh.set(True)
    try:
        yield
    finally:
        _rendering_afresh.reset(token)


View = Callable[..., HttpResponse]


def _table_state(*watched: tuple[type[Model], str]) -> str:
    """Per table, the row count catches deletions and the maximum of an id or timestamp catches additions
    and edits. One round trip of scalar subqueries, each on a primary key or a small table."""
    selects = []
    for model, column in watched:
        table = connection.ops.quote_name(model._meta.db_table)
        field = connection.ops.quote_name(model._meta.get_field(column).column)
        # Quoted names from the models' metadata, no user input.
        selects.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({field}) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects))
        return repr(cursor.fetchone())


#: Global tokens: name -> how to read it.
TOKENS: dict[str, Callable[[], str]] = {
    "publication": current.token,
    "warehouse": pages.warehouse_state,
    "reference": lambda: _table_state(
        (ReferenceRelease, "loaded_at"), (Membership, "id"), (MatrixVersion, "id")
    ),
    "registry": lambda: _table_state((Initiative, "id"), (IndexChange, "id")),
    # Country case studies: added, changed (updated_at) or withdrawn by their source (withdrawn_at).
    "casestudies": lambda: _table_state((CaseStudy, "updated_at"), (CaseStudy, "withdrawn_at")),
}


@dataclass(frozen=True)
class ScopedToken:
    """The state of the rows of ``model`` that name one economy or action line (a view's URL argument):
    for each lookup ``path`` from the model to that code, the count of those rows and their newest
    ``changes``. Every code's value comes from one grouped query per path, so a process that serves pages
    of two hundred economies reads them together, not with a query per economy and per second (which
    was most of the cost of serving a cached economy profile, bench/site/realistic.py)."""

    argument: str
    model: type[Model]
    paths: tuple[str, ...]
    changes: tuple[str, ...]
    #: Economy codes are looked up upper-cased, as their pages do; action line codes exactly ("C7.c").
    upper: bool

    def scope(self, kwargs: dict[str, Any]) -> str:
        scope = str(kwargs.get(self.argument, ""))
        return scope.upper() if self.upper else scope

    def read_all(self) -> list[dict[str, str]]:
        """Per path, every code's state (codes that no row names are absent)."""
        tables = []
        for path in self.paths:
            rows = (
                self.model.objects.filter(**{f"{path}__isnull": False})
                .values(path)
                .annotate(n=Count("id", distinct=True), **{field: Max(field) for field in self.changes})
                .order_by()
            )
            tables.append({str(row.pop(path)): repr(sorted(row.items())) for row in rows})
        return tables

    @staticmethod
    def value(tables: list[dict[str, str]], scope: str) -> str:
        return "+".join(table.get(scope, "none") for table in tables)


_REGISTRY_CHANGES = ("updated_at",)
# Case studies are added, changed (updated_at) or withdrawn by their source (withdrawn_at).
_CASE_STUDY_CHANGES = ("updated_at", "withdrawn_at")
#: Tokens scoped by the view's URL argument. A line's page lists the initiatives and case studies on it
#: and on its sub-lines (C7's), hence two paths.
SCOPED: dict[str, ScopedToken] = {
    "casestudies:economy": ScopedToken("iso3", CaseStudy, ("economy",), _CASE_STUDY_CHANGES, upper=True),
    "casestudies:line": ScopedToken(
        "code", CaseStudy, ("action_lines__code", "action_lines__parent__code"), _CASE_STUDY_CHANGES, False
    ),
    "registry:economy": ScopedToken("iso3", Initiative, ("countries__iso3",), _REGISTRY_CHANGES, upper=True),
    "registry:line": ScopedToken(
        "code", Initiative, ("action_lines__code", "action_lines__parent__code"), _REGISTRY_CHANGES, False
    ),
}


def _scopes_state() -> str:
    """What every scoped token is computed from: while this reads the same, none of them can have changed.
    Every insert or update of an initiative appends an IndexChange (database triggers), a case study's
    edits move its updated_at, and the link tables' ids only grow (sequences; AUTOINCREMENT on SQLite),
    so their count and largest id catch a country or action line added to or taken from a row alone."""
    return _table_state(
        (Initiative, "id"),
        (IndexChange, "id"),
        (Initiative.countries.through, "id"),
        (Initiative.action_lines.through, "id"),
        (CaseStudy, "updated_at"),
        (CaseStudy, "withdrawn_at"),
        (CaseStudy.action_lines.through, "id"),
    )


#: Tokens of the figures pages, scoped by the view's URL argument: name -> (argument, page kind). Their
#: value is the page's digest in the current publication (``wsis.apps.publishing.domain.pages``).
#: An argument written ``?name`` is read from the query string: an API read of one indicator's observations
#: follows that indicator only (a read of several, or of every indicator, the whole warehouse).
PUBLISHED: dict[str, tuple[str, str]] = {
    "published:economy": ("iso3", "economy"),
    "published:group": ("code", "group"),
    "published:indicator": ("code", "indicator"),
    "published:indicator-query": ("?indicator", "indicator"),
}

#: This process's last reading of each token: name -> (monotonic time until which it holds, value).
_readings: dict[str, tuple[float, str]] = {}
#: The current publication's page digests, as this process last loaded them: (publication token, digests).
_digests: tuple[str, dict[str, str]] = ("", {})
#: Each scoped token's values for every code, as this process last read them: name -> (state, tables).
_scoped_values: dict[str, tuple[str, list[dict[str, str]]]] = {}


def _read(name: str, read: Callable[[], str]) -> str:
    """A token, read again at most every WSIS_PAGE_STATE_SECONDS in this process.

    0 reads it on every request: new data show at once. The default allows one second: the queries are
    half the cost of serving a cached page, and new data then show after at most that delay."""
    seconds = settings.WSIS_PAGE_STATE_SECONDS
    if seconds <= 0:
        return read()
    now = time.monotonic()
    until, value = _readings.get(name, (0.0, ""))
    if now >= until:
        value = read()
        _readings[name] = (now + seconds, value)
    return value


def _published_state(kind: str, scope: str) -> str:
    """The digest of the page ``kind:scope`` in the current publication: loaded once per publication in
    this process (a few thousand short strings), then a dictionary lookup per request."""
    global _digests
    publication = _read("publication", TOKENS["publication"])
    if _digests[0] != publication:
        found = current.current()
        _digests = (publication, found.pages if found else {})
    return pages.page_state(_digests[1], f"{kind}:{scope}", _read("warehouse", TOKENS["warehouse"]))


def _scoped_state(name: str, scope: str) -> str:
    """A scoped token's value for one code: all codes are read again together when the tables they come
    from (or the reference knowledge, which holds the action lines' hierarchy) have changed."""
    state = f"{_read('scopes', _scopes_state)}|{_read('reference', TOKENS['reference'])}"
    read_in, tables = _scoped_values.get(name, ("", []))
    if read_in != state:
        tables = SCOPED[name].read_all()
        _scoped_values[name] = (state, tables)
    return ScopedToken.value(tables, scope)


def _published_scope(argument: str, kind: str, kwargs: dict[str, Any], query: QueryDict | None) -> str | None:
    """The code a figures page or read is about, or None when it reads more than one."""
    if argument.startswith("?"):
        values = query.getlist(argument[1:]) if query is not None else []
        return values[0] if len(values) == 1 else None
    scope = str(kwargs.get(argument, ""))
    # Economy and group codes as their pages look them up (indicator codes are mixed case).
    return scope if kind == "indicator" else scope.upper()


def dependency_state(depends: tuple[str, ...], kwargs: dict[str, Any], query: QueryDict | None = None) -> str:
    """The tokens of ``depends`` for a view called with ``kwargs`` and the ``query`` string, as one
    fingerprint."""
    parts = []
    for name in depends:
        if name in PUBLISHED:
            scope = _published_scope(*PUBLISHED[name], kwargs, query)
            if scope is None:
                parts.append(f"{name}=warehouse:{_read('warehouse', TOKENS['warehouse'])}")
            else:
                parts.append(f"{name}={scope}:{_published_state(PUBLISHED[name][1], scope)}")
        elif name in SCOPED:
            scope = SCOPED[name].scope(kwargs)
            parts.append(f"{name}={scope}:{_scoped_state(name, scope)}")
        else:
            parts.append(f"{name}={_read(name, TOKENS[name])}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def page_address(request: HttpRequest) -> str:
    """What identifies a page whatever its data: the full path and the language."""
    return hashlib.sha256(f"{request.get_full_path()}|{get_language()}".encode()).hexdigest()


def page_key(request: HttpRequest, state: str) -> str:
    raw = f"{request.get_full_path()}|{get_language()}|{state}"
    return "public-page:" + hashlib.sha256(raw.encode()).hexdigest()


def _outdated_for(cache: Any, latest: str) -> float:
    """Seconds since any process first found the rendering ``latest`` outdated (0 if this is the first).

    Timed from the rendering, not from the newest data state: while an initiative is edited every few
    seconds each state is young, and timing from it would serve the same old rendering for as long as the
    edits go on."""
    now = time.time()
    outdated_key = f"public-page-outdated:{latest}"
    cache.add(outdated_key, now, TIMEOUT_SECONDS)
    since = cache.get(outdated_key)
    return now - since if isinstance(since, float) else 0.0


def _previous(cache: Any, request: HttpRequest, key: str) -> tuple[StoredPage | None, bool]:
    """The previous rendering of this page, to serve instead of rendering it now (``None`` when this
    request is the one to render: the warm-up, no previous rendering, or nobody else rendering it), and
    whether this request took the right to render it."""
    if _rendering_afresh.get():
        return None, False
    latest = cache.get(f"public-page-latest:{page_address(request)}")
    if latest is None or latest == key:
        return None, False
    previous = cache.get(latest)
    if previous is None:
        return None, False
    if _outdated_for(cache, latest) < settings.WSIS_PAGE_STALE_SECONDS:
        return previous, False  # the warm-up renders it meanwhile
    # cache.add is atomic in every backend: exactly one request wins the right to render.
    if cache.add(f"public-page-rendering:{key}", 1, RENDER_LOCK_SECONDS):
        return None, True
    return previous, False


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


def _mark(response: HttpResponse, served: str) -> HttpResponse:
    # Private would be wrong: the page is the same for every anonymous visitor of this URL, and the
    # language is in the path, so shared caches (a national proxy on a slow link) may keep it too.
    if served == "stale":
        # Browsers and proxies must come back soon for the new rendering.
        patch_cache_control(response, public=True, max_age=1)
    else:
        patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
    response["X-Page-Cache"] = served
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


#: What a page shows unless its view says otherwise.
EVERYTHING = ("publication", "warehouse", "reference", "registry")


def cached_page(view: View, depends: tuple[str, ...] = EVERYTHING) -> View:
    """Serve ``view``'s page from the page cache while the data it ``depends`` on are unchanged."""
    unknown = set(depends) - set(TOKENS) - set(SCOPED) - set(PUBLISHED)
    if unknown:
        raise ValueError(f"unknown page dependencies: {', '.join(sorted(unknown))}")

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        state = dependency_state(depends, kwargs, request.GET)
        key = page_key(request, state)
        stored = cache.get(key)
        if stored is not None:
            return _mark(stored.response(request), "hit")
        previous, locked = _previous(cache, request, key)
        if previous is not None:
            return _mark(previous.response(request), "stale")
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()  # a TemplateResponse: cache what the visitor gets
            if not _cacheable_response(response):
                return response
            cache.set(key, StoredPage.of(response), TIMEOUT_SECONDS)
            cache.set(f"public-page-latest:{page_address(request)}", key, TIMEOUT_SECONDS)
        finally:
            if locked:
                cache.delete(f"public-page-rendering:{key}")
        return _mark(response, "miss")

    wrapper.depends = depends  # type: ignore[attr-defined]  # for the warm-up and the tests
    return wrapper
