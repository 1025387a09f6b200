"""The service's one read of the warehouse: which observations an SDMX data query may see.

Everything the service shows passes through :func:`visible_observations`, so a rule about what the public
may see (the two worlds now; an embargo on releases not yet published later) is added in one place.
The selection itself is the warehouse's own ``select`` (latest figure per key, or exactly what one
release published), never rewritten here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from wsis.apps.warehouse.domain.query import select
from wsis.apps.warehouse.domain.world import real_world
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.readers.observation import COLUMNS

#: Columns a data message is written from, in this order (``release__*`` for the RELEASE attribute).
FIELDS = (
    *(c for c in COLUMNS if c != "source_row"),
    "release_id",
    "release__publisher",
    "release__name",
)


@dataclass(frozen=True)
class Selection:
    """What a data query asks of the warehouse, in warehouse codes (empty: any)."""

    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # warehouse column -> codes
    release: int | None = None  # figures as published in this release; None: the latest
    updated_after: dt.datetime | None = None


def visible_releases() -> QuerySet[Release]:
    """The releases the public may read through the service: no synthetic release once real data exist
    (the two worlds never mix), and none under embargo until its publication time."""
    releases = Release.objects.visible()
    if real_world():
        releases = releases.filter(synthetic=False)
    return releases


def visible_observations(selection: Selection) -> QuerySet[Observation]:
    """The observations a query may see, as the warehouse selects them (latest per key by default)."""
    qs = select(
        indicators=selection.codes.get("indicator", ()),
        areas=selection.codes.get("area", ()),
        release=selection.release,
    )
    for column, codes in selection.codes.items():
        if column not in ("indicator", "area") and codes:
            qs = qs.filter(**{f"{column}__in": list(codes)})
    qs = qs.filter(release__in=visible_releases())
    if selection.updated_after is not None:
        # From when each release became public: an embargoed release lifted after the client's last look
        # is new to it, though it was imported before.
        qs = qs.filter(release__in=Release.objects.published_after(selection.updated_after))
    return qs


def rows(selection: Selection) -> list[tuple]:
    """The visible observations as tuples of :data:`FIELDS`, in key order."""
    return list(visible_observations(selection).values_list(*FIELDS))


def distinct_codes(columns: Sequence[str]) -> dict[str, list[str]]:
    """Per warehouse column, the codes the latest visible figures use (for code lists and availability)."""
    qs = visible_observations(Selection())
    return {c: sorted(qs.order_by().values_list(c, flat=True).distinct()) for c in columns}
