"""Rate limits per account, IP address and network, in one-minute windows.

Counters live in the database (one upsert per key), so every server process sees the same counts; a
per-process cache would let each worker count on its own. ``INSERT ... ON CONFLICT ... RETURNING`` works on
PostgreSQL and on SQLite >= 3.35 and is atomic on both."""

from __future__ import annotations

import random
import time

from django.db import connection
from django.utils.translation import gettext as _

from wsis.apps.prizes.domain.errors import RateLimited
from wsis.apps.prizes.models import RateCounter


def _message(kind: str) -> str:
    """The refusal, naming the limit in the reader's language (key prefixes are account/address/network)."""
    messages = {
        "account": _("Too many ballots from your account in the last minute; try again shortly."),
        "address": _("Too many ballots from your IP address in the last minute; try again shortly."),
        "network": _("Too many ballots from your network in the last minute; try again shortly."),
    }
    return messages[kind]


def _upsert(table: str, rows: int) -> str:
    values = ", ".join(["(%s, %s, 1)"] * rows)
    # The table name comes from the model and the values are placeholders: no outside text reaches the SQL.
    return (
        f"INSERT INTO {table} (key, slot, count) VALUES {values} "  # noqa: S608
        f"ON CONFLICT (key, slot) DO UPDATE SET count = {table}.count + 1 RETURNING key, count"
    )


def hit(limits: list[tuple[str, int]], now: float | None = None) -> None:
    """Count one attempt against each (key, limit) in one statement; refuse when any key is over its
    limit this minute. Every key counts the attempt, refused or not."""
    slot = int((now or time.time()) // 60)
    keys = [(key[:120], limit) for key, limit in limits]
    params: list[object] = []
    for key, _limit in keys:
        params += [key, slot]
    with connection.cursor() as cursor:
        cursor.execute(_upsert(RateCounter._meta.db_table, len(keys)), params)
        counts = dict(cursor.fetchall())
    for key, limit in keys:  # in the caller's order, so the message names the first limit exceeded
        if counts[key] > limit:
            raise RateLimited(_message(key.split(":", 1)[0]))
    if random.random() < 0.001:  # noqa: S311 - housekeeping, not security
        RateCounter.objects.filter(slot__lt=slot - 5).delete()
