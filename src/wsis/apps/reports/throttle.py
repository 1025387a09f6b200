"""A rate limit on public comments: so many comments per window from one address and from one signed-in
user, counted in Django's default cache (shared by every process, as the sign-in throttle's counts are).
The address is read as django-axes reads it for the sign-in throttle (``accounts/throttle.py``), so both
see the same client behind the same proxies."""

from __future__ import annotations

import math
import os
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

#: Defaults when settings do not say: five comments per address and per user in an hour.
LIMIT = 5
WINDOW_SECONDS = 3600


def _limits() -> tuple[int, int]:
    """(comments, seconds): a Django setting of the same name wins over the environment variable."""

    def read(name: str, default: int) -> int:
        return int(getattr(settings, name, None) or os.environ.get(name) or default)

    return read("WSIS_COMMENT_LIMIT", LIMIT), read("WSIS_COMMENT_WINDOW_SECONDS", WINDOW_SECONDS)


def _keys(request: HttpRequest, window: int) -> list[str]:
    # Fixed windows: the key names the window, so counts expire with it.
    slot = int(time.time()) // window
    keys = [f"reports:comments:ip:{get_client_ip_address(request) or 'unknown'}:{slot}"]
    if request.user.is_authenticated:
        keys.append(f"reports:comments:user:{request.user.pk}:{slot}")
    return keys


def comment_wait(request: HttpRequest) -> int:
    """Seconds to wait before this visitor may comment again; 0 when a comment is allowed now."""
    limit, window = _limits()
    counts = cache.get_many(_keys(request, window))
    if any(n >= limit for n in counts.values()):
        return max(1, window - int(time.time()) % window)
    return 0


def comment_made(request: HttpRequest) -> None:
    """Count a comment against the visitor's address and, when signed in, the user."""
    _, window = _limits()
    for key in _keys(request, window):
        # add() creates the count if it is new; incr() then counts atomically on Redis and in one process.
        cache.add(key, 0, timeout=window + 60)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 60)


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
