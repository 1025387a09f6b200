"""Keep ``Observation.is_latest`` true for exactly one observation per key: the newest release's.

"Newest" is the release date, then the import order for releases of the same date. Releases may be
imported out of order (an older vintage loaded for a revision study), so the marks are recomputed from
the data for the affected indicators rather than simply moved to the rows just written.

Synthetic demonstration data are never latest once a real release exists (``world.py``): not for a key
a real release also holds, and not for the years or economies real releases leave empty either - a
synthetic 2021 between real 2019 and 2024 figures would draw a peak that never happened.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from wsis.apps.warehouse.domain.world import real_world
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.readers.observation import KEY

CHUNK = 900  # below SQLite's limit on bound parameters per statement


def refresh_latest(indicators: Iterable[str], release_id: int | None = None) -> None:
    """Recompute the marks for ``indicators``; ``release_id`` names the release just written, whose rows
    are simply all latest when no other release holds the indicator (the common first import)."""
    real = real_world()
    embargoed = list(Release.objects.embargoed().values_list("id", flat=True))
    if embargoed:
        Observation.objects.filter(release_id__in=embargoed, is_latest=True).update(is_latest=False)
    if real:
        # Every indicator, not only ``indicators``: the real world starts with this release. By release
        # ids, not a join: PostgreSQL plans a join on rows just written (no statistics yet) as a nested
        # loop over the whole table.
        synthetic = list(Release.objects.filter(synthetic=True).values_list("id", flat=True))
        if synthetic:
            Observation.objects.filter(release_id__in=synthetic, is_latest=True).update(is_latest=False)
    for indicator in indicators:
        if release_id is not None:
            others = Observation.objects.filter(indicator=indicator).exclude(release_id=release_id)
            if not others.exists():
                eligible = release_id not in embargoed and not (
                    real and Release.objects.filter(id=release_id, synthetic=True).exists()
                )
                Observation.objects.filter(indicator=indicator, release_id=release_id).update(
                    is_latest=eligible
                )
                continue
        rows = Observation.objects.filter(indicator=indicator).values_list(
            "id", "is_latest", "release__date", "release_id", "release__synthetic", *KEY
        )
        frame = pl.DataFrame(
            list(rows), schema=["id", "is_latest", "date", "release", "synthetic", *KEY], orient="row"
        )
        if frame.is_empty():
            continue
        candidates = frame.filter(~pl.col("synthetic")) if real else frame
        candidates = candidates.filter(~pl.col("release").is_in(embargoed))
        newest = (
            candidates.sort(["date", "release"], descending=True)
            .unique(subset=list(KEY), keep="first", maintain_order=True)
            .select("id")
            .with_columns(pl.lit(True).alias("should"))
        )
        marked = frame.join(newest, on="id", how="left").with_columns(pl.col("should").fill_null(False))
        changed = marked.filter(pl.col("is_latest") != pl.col("should"))
        for value in (True, False):
            ids = changed.filter(pl.col("should") == value)["id"].to_list()
            for start in range(0, len(ids), CHUNK):
                Observation.objects.filter(id__in=ids[start : start + CHUNK]).update(is_latest=value)
