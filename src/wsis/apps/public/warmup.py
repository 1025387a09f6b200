"""Warming the page cache after a publication: the most visited pages - the home page, every economy and
group profile and every indicator page, in the six languages - are rendered again in the background
(a task for `wsis worker`), so that visitors do not pay for cold pages after new figures are published.

Their charts' drawings (image URLs of their own, see ``views/chart_image.py``) are drawn too: the
drawing is the costly part of a first view. Pages are requested through Django's own request handling
(the test client's handler, which runs the full middleware stack without a network), exactly as a
visitor's request would be served and cached.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from wsis.apps.publishing.domain import current
from wsis.apps.reference.models import Economy, Group, Indicator
from wsis.apps.warehouse.models import Observation

log = logging.getLogger(__name__)
WORLD = "WLD"
#: The chart drawings a page shows (both layouts: phones get the other one).
CHART_IMAGE = re.compile(r'(?:src|srcset)="(/charts/[0-9a-f]+-(?:wide|phone)\.svg)"')


def popular_paths() -> Iterator[str]:
    """Every economy profile, group profile (the world's too) and indicator page with data, and the home
    page, in each of the six languages."""
    economies = list(Economy.objects.order_by("iso3").values_list("iso3", flat=True))
    groups = [WORLD, *Group.objects.order_by("code").values_list("code", flat=True)]
    held = set(Observation.objects.filter(is_latest=True).values_list("indicator", flat=True).distinct())
    indicators = [c for c in Indicator.objects.order_by("code").values_list("code", flat=True) if c in held]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            yield reverse("home")
            for iso3 in economies:
                yield reverse("public:economy", args=[iso3])
            for code in groups:
                yield reverse("public:group", args=[code])
            for code in indicators:
                yield reverse("public:indicator", args=[code])


def warm(*, publication: str | None = None, paths: Iterable[str] | None = None) -> dict[str, Any]:
    """Render ``paths`` (default: every popular page) into the shared page cache; stops early when a
    newer publication than ``publication`` became current (its own warm-up follows)."""
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"), "localhost")
    client = Client(HTTP_HOST=host)
    rendered = missed = drawn = 0
    started = time.perf_counter()
    seen: set[str] = set()
    for path in popular_paths() if paths is None else paths:
        if publication is not None and rendered % 50 == 0 and current.token() != publication:
            log.info("page warm-up stopped: a newer publication is current")
            break
        response = client.get(path)
        rendered += 1
        missed += response.get("X-Page-Cache") == "miss"
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for image in CHART_IMAGE.findall(response.content.decode()):
            if image not in seen:
                seen.add(image)
                drawn += client.get(image, HTTP_REFERER=path).status_code == 200
    return {
        "pages": rendered,
        "rendered_afresh": missed,
        "charts": drawn,
        "seconds": round(time.perf_counter() - started, 1),
    }


@task()
def warm_pages(publication: str | None = None) -> dict[str, Any]:
    return warm(publication=publication)


def after_publication(sender: Any, publication: Any, **kwargs: Any) -> None:
    """Queue the warm-up of the pages of a publication just made current."""
    if settings.WSIS_WARM_PAGES:
        warm_pages.enqueue(publication=current.token())
