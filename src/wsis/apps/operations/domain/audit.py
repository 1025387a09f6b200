"""The audit log: who did what, when, to which object - every staff and moderator action.

Entries are written by ``operations.signals`` in the transaction of the action itself, from the rows
the actions leave (review decisions and merges, staff roles, prize phase changes, publications, changes
made in the admin), so no path that changes them can forget to log. The actor is the one the row names
(a decision's reviewer), else the signed-in user of the request being served, else the command line."""

from __future__ import annotations

import contextvars
import csv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.db import models

from wsis.apps.operations.models import AuditEntry

_request: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_request", default=None)
_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_actor", default=None)
COMMAND_LINE = "command line"


@contextmanager
def serving(request: Any) -> Iterator[None]:
    """While ``request`` is served, its signed-in user is the actor (read when an entry is written:
    API token authentication sets the user late)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextmanager
def acting(actor: Any) -> Iterator[None]:
    """Name the actor (a user, or a text such as "wsis prizes open") for what runs inside."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def _who(actor: Any) -> tuple[Any, str]:
    if actor is None:
        actor = _actor.get()
    if actor is None and (request := _request.get()) is not None:
        user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
    if actor is None:
        return None, COMMAND_LINE
    if isinstance(actor, str):
        return None, actor[:150]
    return (actor if actor.pk else None), actor.get_username()[:150]


def record(
    action: str, target: models.Model | None, summary: str, *, actor: Any = None, **details: Any
) -> AuditEntry:
    user, name = _who(actor)
    return AuditEntry.objects.create(
        actor=user,
        actor_name=name,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:500],
        details=details,
    )


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("when", "who", "action", "object type", "object id", "what", "details")


def _cell(value: Any) -> str:
    text = str(value)
    # A spreadsheet would run a cell starting like a formula: prefix it so it stays text.
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(entries: Iterable[AuditEntry], out: IO[str]) -> int:
    """Write ``entries`` as CSV (UTF-8, formula cells neutralised); the number of rows."""
    import json

    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    n = 0
    for e in entries:
        writer.writerow(
            [
                e.at.isoformat(),
                _cell(e.actor_name),
                e.action,
                e.target_type,
                e.target_id,
                _cell(e.summary),
                _cell(json.dumps(e.details, ensure_ascii=False, sort_keys=True, default=str)),
            ]
        )
        n += 1
    return n
