"""REST API of the warehouse: indicators, observations (series by area, group, period, disaggregation),
releases, revisions and quality flags. Pages of up to 10 000 rows; ETag and Last-Modified on every answer,
so a data user's nightly sync costs a 304 when nothing was imported. A release under embargo is invisible
here (``Release.objects.visible()``, ``select``) until its publication time."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from wsis.apps.reference.models import Indicator
from wsis.apps.warehouse.domain.metadata import UnknownSeries, series_metadata
from wsis.apps.warehouse.domain.query import QueryError, find_release, revisions, select
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.readers.observation import COLUMNS, DISAGGREGATIONS

router = Router(tags=["indicators warehouse"])
MAX_PAGE = 10_000


class ReleaseOut(Schema):
    id: int
    publisher: str
    name: str
    date: dt.date
    origin: str
    checksum: str
    imported_at: dt.datetime
    synthetic: bool
    observation_count: int
    publish_at: dt.datetime | None = None


class ObservationFilters(Schema):
    indicator: list[str] = []
    area: list[str] = []
    group: str | None = None
    on: dt.date | None = None
    period: list[str] = []
    release: str | None = None
    sex: str | None = None
    age: str | None = None
    urbanisation: str | None = None
    income_quintile: str | None = None
    education: str | None = None
    disability: str | None = None
    skill_type: str | None = None
    technology: str | None = None
    speed_tier: str | None = None
    page: int = 1
    page_size: int = 1000


def _release(r: Release) -> dict[str, Any]:
    return {f: getattr(r, f) for f in ReleaseOut.model_fields}


def _conditional(request: HttpRequest, response: HttpResponse, *parts: object) -> HttpResponse | None:
    """Set ETag/Last-Modified from the warehouse state and the request; answer 304 when unchanged."""
    # The visible releases only: an embargoed import changes nothing a client can see; the end of an
    # embargo (the release appears, then its figures become the latest) changes the tag twice.
    state = Release.objects.visible().aggregate(
        last=Max("imported_at"), count=Count("id"), lifted=Max("embargo_lifted_at")
    )
    tag = hashlib.sha256(
        repr((state["count"], state["last"], state["lifted"], request.get_full_path(), parts)).encode()
    ).hexdigest()
    etag = f'"{tag[:32]}"'
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    changed = max((t for t in (state["last"], state["lifted"]) if t is not None), default=None)
    if changed:
        response["Last-Modified"] = http_date(changed.timestamp())
    if request.headers.get("If-None-Match") == etag:
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = etag
        return not_modified
    return None


@router.get("/releases", response=list[ReleaseOut])
def list_releases(request: HttpRequest, response: HttpResponse):
    if (cached := _conditional(request, response)) is not None:
        return cached
    return [_release(r) for r in Release.objects.visible()]


@router.get("/releases/{release_id}", response=ReleaseOut)
def get_release(request: HttpRequest, response: HttpResponse, release_id: int):
    if (cached := _conditional(request, response)) is not None:
        return cached
    return _release(get_object_or_404(Release.objects.visible(), id=release_id))


@router.get("/releases/{release_id}/revisions")
def release_revisions(request: HttpRequest, response: HttpResponse, release_id: int, against: int):
    """What release ``release_id`` changed compared with release ``against``."""
    if (cached := _conditional(request, response)) is not None:
        return cached
    try:
        frame = revisions(against, release_id)
    except QueryError as exc:
        raise HttpError(404, str(exc)) from exc
    return {"before": against, "after": release_id, "changes": frame.to_dicts()}


@router.get("/releases/{release_id}/quality")
def release_quality(request: HttpRequest, release_id: int):
    release = get_object_or_404(Release.objects.visible(), id=release_id)
    flags = release.flags.order_by("file", "row").values("file", "row", "column", "message")
    return {"release": _release(release), "flags": list(flags)}


@router.get("/indicators")
def list_indicators(request: HttpRequest, response: HttpResponse):
    """The indicator catalogue with, for each code, how many current observations the warehouse holds."""
    if (cached := _conditional(request, response)) is not None:
        return cached
    held = dict(
        Observation.objects.filter(is_latest=True).values_list("indicator").annotate(n=Count("id")).order_by()
    )
    return [
        {"code": i.code, "names": i.names, "unit": i.unit, "observations": held.get(i.code, 0)}
        for i in Indicator.objects.all()
    ]


@router.get("/indicators/{code}/metadata")
def indicator_metadata(request: HttpRequest, response: HttpResponse, code: str):
    """Per-series metadata: the catalogue entry, the units, periods and releases the warehouse holds."""
    if (cached := _conditional(request, response)) is not None:
        return cached
    try:
        return series_metadata(code)
    except UnknownSeries as exc:
        raise HttpError(404, str(exc)) from exc


@router.get("/observations")
def list_observations(request: HttpRequest, response: HttpResponse, filters: Query[ObservationFilters]):
    """Observations (latest release per key unless ``release`` is given), one page at a time."""
    if not 1 <= filters.page_size <= MAX_PAGE:
        raise HttpError(422, f"page_size must be between 1 and {MAX_PAGE}")
    if filters.page < 1:
        raise HttpError(422, "page starts at 1")
    if (cached := _conditional(request, response)) is not None:
        return cached
    try:
        qs = select(
            indicators=filters.indicator,
            areas=filters.area,
            group=filters.group,
            on=filters.on,
            periods=filters.period,
            release=filters.release,
            disaggregations={d: getattr(filters, d) for d in DISAGGREGATIONS if getattr(filters, d)},
        )
        if filters.release is not None:
            find_release(filters.release)
    except QueryError as exc:
        raise HttpError(404, str(exc)) from exc
    total = qs.count()
    start = (filters.page - 1) * filters.page_size
    fields = [c for c in COLUMNS if c != "source_row"]
    rows = qs.values(*fields, "release_id", "release__synthetic")[start : start + filters.page_size]
    results = [
        {
            **{k: v for k, v in row.items() if k != "release__synthetic"},
            "synthetic": row["release__synthetic"],
        }
        for row in rows
    ]
    more = start + filters.page_size < total
    return {
        "count": total,
        "page": filters.page,
        "page_size": filters.page_size,
        "next_page": filters.page + 1 if more else None,
        "results": results,
    }
