"""Select observations: the latest figures by default, or exactly what one release published.

Releases under embargo (``Release.publish_at`` not yet come by ``warehouse.clock.now()``) are invisible
here: :func:`find_release` does not find them and :func:`select` never returns their observations, unless
a command-line caller asks with ``include_embargoed`` (staff checking a release before its time).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl
from django.db.models import QuerySet

from wsis.apps.reference.models import Membership
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.readers.observation import COLUMNS, DISAGGREGATIONS, KEY, SCHEMA

#: Columns a query returns: the canonical observation columns, then where each figure was published.
RELEASE_COLUMNS = ("release_publisher", "release_name", "release_date", "synthetic")


class QueryError(ValueError):
    """A selection that cannot be answered (an unknown release or group), said in words."""


def find_release(spec: str | int, *, include_embargoed: bool = False) -> Release:
    """A release by id, by "publisher: name", or by a name only one publisher uses. A release under
    embargo is not found (the same answer as an unknown one) unless ``include_embargoed``."""
    releases = Release.objects.all() if include_embargoed else Release.objects.visible()
    if isinstance(spec, int) or str(spec).isdigit():
        found = releases.filter(id=int(spec)).first()
    elif ": " in str(spec):
        publisher, name = str(spec).split(": ", 1)
        found = releases.filter(publisher=publisher, name=name).first()
    else:
        matches = list(releases.filter(name=spec)[:2])
        if len(matches) > 1:
            raise QueryError(f"several publishers have a release named {spec!r}; write 'publisher: name'")
        found = matches[0] if matches else None
    if found is None:
        raise QueryError(f"no release {spec!r}; `wsis releases` lists them")
    return found


def group_members(group: str, on: dt.date) -> list[str]:
    members = Membership.objects.filter(group_id=group.upper(), valid_from__lte=on).exclude(valid_to__lte=on)
    if not members.exists() and not Membership.objects.filter(group_id=group.upper()).exists():
        raise QueryError(f"no group {group!r} with members; see /groups/ or `wsis reference group`")
    return list(members.values_list("economy_id", flat=True))


def select(
    *,
    indicators: Sequence[str] = (),
    areas: Sequence[str] = (),
    group: str | None = None,
    on: dt.date | None = None,
    periods: Sequence[str] = (),
    release: str | int | None = None,
    disaggregations: dict[str, str] | None = None,
    totals_only: bool = False,
    include_embargoed: bool = False,
) -> QuerySet[Observation]:
    """Observations matching every given filter. Without ``release``: the latest figure per key. Never
    a figure of a release under embargo (the latest marks skip them too), unless ``include_embargoed``
    and that release is named."""
    qs = Observation.objects.select_related("release")
    if release is not None:
        qs = qs.filter(release=find_release(release, include_embargoed=include_embargoed))
    else:
        qs = qs.filter(is_latest=True)
    if not include_embargoed:
        qs = qs.visible()
    if indicators:
        qs = qs.filter(indicator__in=list(indicators))
    chosen_areas = [a.upper() for a in areas]
    if group:
        chosen_areas += group_members(group, on or dt.date.today())
    if chosen_areas:
        qs = qs.filter(area__in=chosen_areas)
    if periods:
        qs = qs.filter(period__in=list(periods))
    for dimension, code in (disaggregations or {}).items():
        if dimension not in DISAGGREGATIONS:
            raise QueryError(f"unknown disaggregation {dimension!r}; known: {', '.join(DISAGGREGATIONS)}")
        qs = qs.filter(**{dimension: code})
    if totals_only:
        qs = qs.filter(**{d: "_T" for d in DISAGGREGATIONS})
    return qs.order_by(*KEY)


def to_frame(qs: QuerySet[Observation]) -> pl.DataFrame:
    """The canonical observation frame (plus release columns) of a selection."""
    fields = [c for c in COLUMNS]
    rows = qs.values_list(
        *fields, "release__publisher", "release__name", "release__date", "release__synthetic"
    )
    schema = {
        **SCHEMA,
        "release_publisher": pl.String(),
        "release_name": pl.String(),
        "release_date": pl.Date(),
        "synthetic": pl.Boolean(),
    }
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def revisions(
    before: str | int, after: str | int, *, indicators: Sequence[str] = (), include_embargoed: bool = False
) -> pl.DataFrame:
    """What changed between two releases (in ``indicators`` only, if given): revised values, keys added
    and keys dropped."""
    old = to_frame(select(release=before, indicators=indicators, include_embargoed=include_embargoed)).select(
        *KEY, pl.col("value").alias("before")
    )
    new = to_frame(select(release=after, indicators=indicators, include_embargoed=include_embargoed)).select(
        *KEY, pl.col("value").alias("after")
    )
    joined = old.join(new, on=list(KEY), how="full", coalesce=True)
    change = (
        pl.when(pl.col("before").is_null())
        .then(pl.lit("added"))
        .when(pl.col("after").is_null())
        .then(pl.lit("dropped"))
        .when((pl.col("after") - pl.col("before")).abs() > 1e-9)
        .then(pl.lit("revised"))
        .otherwise(None)
    )
    return (
        joined.with_columns(change.alias("change"), (pl.col("after") - pl.col("before")).alias("difference"))
        .filter(pl.col("change").is_not_null())
        .sort(list(KEY))
    )
