"""Forum outcomes of a line, shown on the workspace page in the block ``workspaces/_forum_outcomes.html``.

The WSIS Forum app adds a source in its ``ready()``: ``OUTCOME_SOURCES.append(fn)`` where ``fn(line)``
returns the outcome statements of sessions on that line, each with ``title``, ``url`` and ``date``
(attributes or keys). The workspace page lists whatever the sources give, newest first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wsis.apps.reference.models import ActionLine

OUTCOME_SOURCES: list[Callable[[ActionLine], list[Any]]] = []


def forum_outcomes(line: ActionLine) -> list[Any]:
    found: list[Any] = []
    for source in OUTCOME_SOURCES:
        found.extend(source(line))
    return found
