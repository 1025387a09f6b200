"""Warming the page cache after a publication: the most visited pages - the home page, every economy and
group profile and every indicator page, in the six languages - are rendered again in the background
(a task for `wsis worker`), so that visitors do not pay for cold pages after new figures are published.
The pages whose figures the publication changed come first (``publishing.domain.pages``); the others are
usually found in the cache, their key unchanged, and cost a cache read each.

Their charts' drawings (image URLs of their own, see ``views/chart_image.py``) are drawn too, by a task
of their own that follows: the drawing is the costly part of a first view. Pages are requested through
Django's own request handling (the test client's handler, which runs the full middleware stack without a
network), exactly as a visitor's request would be served and cached.

After the pages come the open data reads their users ask for most: the series of each indicator for each
economy, through the JSON API (``/api/v1/observations?indicator=..&area=..``) and the SDMX web service (the
same series as a data query, in its default format). A data user's script that walks every economy then
reads published answers, as a visitor does.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from wsis.apps.public.caching import rendering_afresh
from wsis.apps.publishing.domain import current, pages
from wsis.apps.reference.models import Economy, Group, Indicator
from wsis.apps.warehouse.models import Observation

log = logging.getLogger(__name__)
WORLD = "WLD"
#: The chart drawings a page shows (both layouts: phones get the other one).
CHART_IMAGE = re.compile(r'(?:src|srcset)="(/charts/[0-9a-f]+-(?:wide|phone)\.svg)"')


def popular_paths(first: Collection[str] = ()) -> Iterator[str]:
    """Every economy profile, group profile (the world's too) and indicator page with data, and the home
    page, in each of the six languages; the home page and the pages of the scopes ``first``
    (``economy:FRA``, as ``publishing.domain.pages`` names them) come before the others."""
    economies = list(Economy.objects.order_by("iso3").values_list("iso3", flat=True))
    groups = [WORLD, *Group.objects.order_by("code").values_list("code", flat=True)]
    held = set(Observation.objects.filter(is_latest=True).values_list("indicator", flat=True).distinct())
    indicators = [c for c in Indicator.objects.order_by("code").values_list("code", flat=True) if c in held]
    scoped = [
        *((f"economy:{iso3}", "public:economy", iso3) for iso3 in economies),
        *((f"group:{code}", "public:group", code) for code in groups),
        *((f"indicator:{code}", "public:indicator", code) for code in indicators),
    ]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            yield reverse("home")
            yield from (reverse(name, args=[code]) for scope, name, code in scoped if scope in first)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            yield from (reverse(name, args=[code]) for scope, name, code in scoped if scope not in first)


def series_pairs() -> list[tuple[str, str]]:
    """Every (indicator, economy) series the warehouse holds a latest figure of."""
    pairs = Observation.objects.filter(is_latest=True, area_kind="economy").values_list("indicator", "area")
    return sorted(set(pairs.distinct()))


def api_series_path(indicator: str, area: str) -> str:
    return f"/api/v1/observations?indicator={indicator}&area={area}"


def sdmx_series_path(indicator: str, area: str) -> str:
    """One series as an SDMX data query: the flow's key with the area and indicator positions set and
    every other dimension (frequency first, then the breakdowns) a wildcard."""
    from wsis.apps.sdmx.dsd import code_id

    return f"/sdmx/rest/data/ICT/.{code_id(area)}.{code_id(indicator)}" + "." * 9


def series_paths() -> Iterator[str]:
    """The API and SDMX reads of every series, the API's first."""
    pairs = series_pairs()
    yield from (api_series_path(i, a) for i, a in pairs)
    yield from (sdmx_series_path(i, a) for i, a in pairs)


def _client() -> Client:
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"), "localhost")
    return Client(HTTP_HOST=host)


def _superseded(publication: str | None, done: int) -> bool:
    """Every 50 requests: has a newer publication than ``publication`` become current (its own warm-up
    follows, so this one stops)?"""
    return publication is not None and done % 50 == 0 and current.token() != publication


def render_pages(
    publication: str | None = None, paths: Iterable[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Render ``paths`` (default: every popular page, then every API and SDMX series) into the shared
    page cache, afresh; the report and the chart drawings the pages show (drawing -> page)."""
    client = _client()
    rendered = missed = 0
    started = time.perf_counter()
    images: dict[str, str] = {}
    with rendering_afresh():
        first = pages.changed_scopes()
        for path in itertools.chain(popular_paths(first), series_paths()) if paths is None else paths:
            if _superseded(publication, rendered):
                log.info("page warm-up stopped: a newer publication is current")
                break
            response = client.get(path)
            rendered += 1
            missed += response.get("X-Page-Cache") == "miss"
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                for image in CHART_IMAGE.findall(response.content.decode()):
                    images.setdefault(image, path)
    seconds = round(time.perf_counter() - started, 1)
    return {"pages": rendered, "rendered_afresh": missed, "seconds": seconds}, images


def draw(images: dict[str, str], publication: str | None = None) -> int:
    """Draw the charts ``images`` (drawing -> the page that shows it) into the charts cache."""
    client = _client()
    drawn = 0
    for number, (image, page) in enumerate(images.items()):
        if _superseded(publication, number):
            log.info("chart warm-up stopped: a newer publication is current")
            break
        drawn += client.get(image, HTTP_REFERER=page).status_code == 200
    return drawn


def warm(*, publication: str | None = None, paths: Iterable[str] | None = None) -> dict[str, Any]:
    """Render ``paths`` and draw their charts, now."""
    report, images = render_pages(publication, paths)
    return report | {"charts": draw(images, publication)}


@task()
def warm_pages(publication: str | None = None, paths: list[str] | None = None) -> dict[str, Any]:
    """Pages and series first, their charts' drawings in a task of their own: until a page is rendered
    again its visitors get the previous rendering, so the new figures reach them sooner this way, and a
    drawing is asked for only by browsers that show the page."""
    report, images = render_pages(publication, paths)
    if images:
        draw_charts.enqueue(publication=publication, images=images)
    return report | {"charts_queued": len(images)}


@task()
def draw_charts(publication: str | None, images: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    return {"charts": draw(images, publication), "seconds": round(time.perf_counter() - started, 1)}


def after_publication(sender: Any, publication: Any, **kwargs: Any) -> None:
    """Queue the warm-up of the pages of a publication just made current."""
    if settings.WSIS_WARM_PAGES:
        warm_pages.enqueue(publication=current.token())
