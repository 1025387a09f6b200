"""The one clock that decides when an embargoed release becomes public.

Every embargo decision (what the pages, the API, downloads, dumps, the publication and the reports may
read; which figures are "latest") asks :func:`now`, never ``timezone.now()`` directly, so that tests can
move time forward and watch a release appear: ``settings.WSIS_CLOCK_NOW`` (an aware datetime, unset in
production) overrides the real time.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def now() -> dt.datetime:
    """The current time (aware, UTC), or the time the tests set in ``settings.WSIS_CLOCK_NOW``."""
    frozen = getattr(settings, "WSIS_CLOCK_NOW", None)
    if frozen is not None:
        if isinstance(frozen, str):
            frozen = dt.datetime.fromisoformat(frozen)
        if timezone.is_naive(frozen):
            frozen = timezone.make_aware(frozen, dt.UTC)
        return frozen
    return timezone.now()
