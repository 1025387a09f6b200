"""Reading the current publication: what pages, the API and reports show. Reading only, never computing.

The current publication is the newest one in state ``current``; pages key their cache on its
:func:`token`, so a new publication shows at once in every process.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wsis.apps.publishing.models import Publication, PublishedFigure


def current() -> Publication | None:
    return Publication.objects.filter(state=Publication.State.CURRENT).order_by("-id").first()


def token() -> str:
    """Identifies the current publication (its id and when it was made: an id reused after a rolled-back
    transaction is a different publication)."""
    found = (
        Publication.objects.filter(state=Publication.State.CURRENT)
        .order_by("-id")
        .values_list("id", "finished_at")
        .first()
    )
    return f"{found[0]}@{found[1].isoformat()}" if found else "none"


def figure(key: str) -> Any | None:
    """The current publication's figure under ``key``; None when nothing is published under it."""
    return figures([key]).get(key)


def figures(keys: Iterable[str]) -> dict[str, Any]:
    """The current publication's figures under ``keys``, in one query; keys without a figure are absent."""
    found = current()
    if found is None:
        return {}
    rows = PublishedFigure.objects.filter(publication=found, key__in=list(keys)).values_list("key", "value")
    return dict(rows)
