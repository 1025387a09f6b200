"""The end of an embargo: a release whose publication time has come becomes public everywhere.

Visibility itself needs no action - every public read filters with ``Release.objects.visible()``, which
compares ``publish_at`` with ``warehouse.clock.now()`` - but three things computed *before* the time must
follow it, and :func:`lift_due` (run by ``tasks.lift_embargo`` at the publication time, queued by the
import) does them in order:

1. the ``is_latest`` marks of the release's indicators, which skipped it while it was embargoed; the
   first real release also retires the demonstration world here rather than at its import;
2. the publication (aggregates, progress... ``wsis.apps.publishing``), whose inputs now include it;
3. the shared page caches, whose keys follow imports, not the clock.

It lifts every due release, not only the one a task was queued for, so that tasks run late, twice or out
of order still leave the warehouse right; run early (before the time) it changes nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from wsis.apps.operations.domain.locks import writer_lock
from wsis.apps.warehouse import clock
from wsis.apps.warehouse.domain.latest import refresh_latest
from wsis.apps.warehouse.domain.world import demonstration_present, retire_demonstration
from wsis.apps.warehouse.models import Observation, Release

log = logging.getLogger(__name__)

#: The caches whose entries may hold what a page or an API read showed before the embargo ended.
PAGE_CACHES = ("pages", "default")


def due() -> list[Release]:
    """Releases whose publication time has come and whose figures are not yet the latest ones."""
    waiting = Release.objects.visible().filter(publish_at__isnull=False, embargo_lifted_at__isnull=True)
    return list(waiting.order_by("id"))


def lift_due(*, trigger: str = "end of embargo", publish: bool = True) -> list[Release]:
    """Lift every due embargo (see the module docstring); returns the releases lifted."""
    with writer_lock(f"lift embargo ({trigger})"):
        releases = due()
        if not releases:
            return []
        now = clock.now()
        with transaction.atomic():
            if any(not r.synthetic for r in releases) and demonstration_present():
                log.info("embargo lifted: %s", retire_demonstration())
            held = Observation.objects.filter(release__in=releases).order_by()
            refresh_latest(sorted(set(held.values_list("indicator", flat=True))))
            Release.objects.filter(id__in=[r.id for r in releases]).update(embargo_lifted_at=now)
        for release in releases:
            log.info("embargo lifted: release %s (%s), due %s", release.id, release, release.publish_at)
    try:
        if publish:
            from wsis.apps.publishing.domain.refresh import refresh

            refresh(trigger=trigger)
    finally:
        clear_page_caches()
    return releases


def clear_page_caches() -> None:
    """Empty the shared caches of rendered pages and repeated warehouse reads (all processes share them)."""
    for name in PAGE_CACHES:
        if name in settings.CACHES:
            caches[name].clear()
