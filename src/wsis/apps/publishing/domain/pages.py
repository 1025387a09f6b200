"""What each figures page was computed from, recorded with the publication: the page cache's scoped keys.

A refresh knows exactly which inputs each page of figures reads, so it records, per page scope, a digest
of them (``Publication.pages``):

* ``economy:FRA`` - the economy's observations (count, newest id, latest marks: an import, a revision, a
  pull or a retired demonstration changes them), its published progress assessment, and the newest index
  computations the profile reads its IDI score from;
* ``group:LDC`` - the group's published aggregates and dispersion;
* ``indicator:i99H`` - the indicator's observations.

Each digest also holds whether the site shows the demonstration world (its banner is on every page). The
page cache keys an economy, group or indicator page by its digest (``wsis.apps.public.caching``), so a
new release that revises France's figures renders again France's profile, the groups France belongs to
and the indicators revised, not the thousands of pages whose figures did not move.

The digests describe the warehouse as the refresh read it, recorded under ``warehouse``; until a
publication has caught up with the warehouse (an import just committed, or a refresh that failed), pages
key on the warehouse as a whole instead, so new observations always show.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Max, Q

from wsis.apps.measure.models import Computation
from wsis.apps.publishing.domain import catalogue as cat
from wsis.apps.publishing.models import Publication
from wsis.apps.warehouse.domain.world import demonstration_world
from wsis.apps.warehouse.models import Observation, Release

#: Under which key the digests record the warehouse state they describe...
WAREHOUSE = "warehouse"
#: ... and the state of a page they say nothing of (an economy without observations, a group without
#: members): it still carries the demonstration banner, or not.
ABSENT = "absent"


def warehouse_state() -> str:
    """The releases as a whole (how many, the newest import): what a page of observations depends on when
    no publication describes the warehouse as it is."""
    found = Release.objects.order_by().aggregate(n=Count("id"), last=Max("imported_at"))
    last = found["last"].isoformat() if found["last"] else None
    return f"{found['n']}@{last}"


def index_computations(methodology: str = cat.INDEX) -> list[int]:
    """The newest stored computations of a composite index, newest first: an economy profile shows the
    economy's score from the first of them that scored it."""
    found = Computation.objects.filter(kind=Computation.Kind.INDEX, methodology=methodology)
    return list(found.values_list("id", flat=True)[:3])


def _observations_by(column: str) -> dict[str, tuple[int, int, int]]:
    """Per value of ``column`` (area or indicator): the observations' count, newest id and number marked
    latest. One grouped scan; a new, revised or deleted observation changes at least one of the three."""
    rows = (
        Observation.objects.order_by()
        .values_list(column)
        .annotate(
            n=Count("id"),
            newest=Max("id"),
            latest=Count("id", filter=Q(is_latest=True)),
        )
    )
    return {key: (n, newest, latest) for key, n, newest, latest in rows}


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:24]


def _by_group(keys: Iterable[str]) -> dict[str, list[str]]:
    """Published keys of each group's page: its aggregates and its dispersion, every year."""
    pages: dict[str, list[str]] = {}
    for key in keys:
        kind, *rest = key.split("/")
        if kind in ("aggregates", "dispersion") and len(rest) >= 2:
            pages.setdefault(rest[1], []).append(key)
    return pages


def digests(figures: Mapping[str, Any]) -> dict[str, str]:
    """Page scope -> digest of what that page shows, for a publication of ``figures`` made from the
    warehouse as it is now (call it under the writers' lock, as the refresh does)."""
    banner = demonstration_world()
    out = {WAREHOUSE: warehouse_state(), ABSENT: _digest(banner)}
    index = index_computations()
    for area, state in _observations_by("area").items():
        progress = figures.get(cat.progress_key(area))
        out[f"economy:{area}"] = _digest(banner, state, progress, index)
    for indicator, state in _observations_by("indicator").items():
        out[f"indicator:{indicator}"] = _digest(banner, state)
    for group, keys in _by_group(figures).items():
        out[f"group:{group}"] = _digest(banner, {k: figures[k] for k in sorted(keys)})
    return out


def page_state(digests: Mapping[str, str], scope: str, warehouse: str) -> str:
    """The state of the page ``scope`` (``economy:FRA``) under a publication's ``digests``, the warehouse
    being at ``warehouse`` now."""
    if digests.get(WAREHOUSE) != warehouse:
        return f"unpublished@{warehouse}"
    return digests.get(scope) or digests.get(ABSENT, "")


def changed_scopes() -> set[str]:
    """The page scopes whose digest the current publication changed from the one before it (all of them
    when there is no previous one): the pages to render first after a publication."""
    made = Publication.objects.exclude(state=Publication.State.FAILED).order_by("-id")
    newest = list(made.values_list("pages", flat=True)[:2])
    if not newest:
        return set()
    now, before = newest[0], newest[1] if len(newest) > 1 else {}
    return {scope for scope, digest in now.items() if before.get(scope) != digest} - {WAREHOUSE, ABSENT}
