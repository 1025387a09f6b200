"""Writers that wait their turn: imports and refreshes take one lock held in the database.

Two imports at once used to fight inside the database (SQLite: "database is locked" after the busy
timeout; PostgreSQL: a deadlock between their ``is_latest`` updates). Now each data writer first takes the
writers' lock; a second one waits for it (up to ``WSIS_WRITER_WAIT_SECONDS``), saying who holds it, and
gives up with :class:`WritersBusy` - a clear message, nothing changed - when the wait is over.

- PostgreSQL: a session advisory lock, which the server releases when the holder's session ends, even
  after ``kill -9``; the ``WriterLock`` row only says who holds it.
- SQLite: the ``WriterLock`` row is the lock, inserted in an immediate transaction. A row whose process
  is gone (SQLite is always on the holder's machine) is taken over.

The lock is re-entrant within a thread, so ``wsis import`` can hold it across its import and the refresh
that follows, and the refresh inside still takes it when run alone.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction

from wsis.apps.operations.models import WriterLock

WRITERS = "data-writers"
POLL_SECONDS = 0.5

_held = threading.local()


class WritersBusy(RuntimeError):
    """Another data writer held the lock for longer than this one could wait."""

    def __init__(self, holder: str, waited: float):
        self.holder = holder
        super().__init__(
            f"another data writer is running: {holder}; gave up after waiting {waited:.0f} s, nothing was "
            "changed - run this again when it has finished (WSIS_WRITER_WAIT_SECONDS sets the wait)"
        )


def holder(name: str = WRITERS) -> str | None:
    """Who holds the lock ``name`` now, as a sentence part; None when nobody does."""
    found = WriterLock.objects.filter(name=name).first()
    return str(found) if found else None


@contextmanager
def writer_lock(
    purpose: str,
    *,
    name: str = WRITERS,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the writers' lock ``name`` for ``purpose`` (e.g. "wsis import"). Waits up to ``wait`` seconds
    (default ``settings.WSIS_WRITER_WAIT_SECONDS``), calling ``on_wait(holder)`` once when it must wait;
    raises :class:`WritersBusy` when the wait is over."""
    depth = getattr(_held, name, 0)
    if depth:
        setattr(_held, name, depth + 1)
        try:
            yield
        finally:
            setattr(_held, name, getattr(_held, name) - 1)
        return
    limit = settings.WSIS_WRITER_WAIT_SECONDS if wait is None else wait
    started = time.monotonic()
    told = False
    while not _try_acquire(name, purpose):
        current = _describe(name)
        if time.monotonic() - started >= limit:
            raise WritersBusy(current, time.monotonic() - started)
        if not told and on_wait is not None:
            on_wait(current)
            told = True
        time.sleep(POLL_SECONDS)
    setattr(_held, name, 1)
    try:
        yield
    finally:
        setattr(_held, name, 0)
        _release(name)


def _describe(name: str) -> str:
    try:
        return holder(name) or "another process (just finishing)"
    except OperationalError:  # SQLite busy with the holder's own write: the row cannot be read now
        return "another process (writing)"


def _key(name: str) -> int:
    """A stable 63-bit advisory-lock key for ``name``."""
    return zlib.crc32(f"wsis:{name}".encode()) & 0x7FFFFFFF


def _row(name: str, purpose: str) -> WriterLock:
    return WriterLock(
        name=name,
        purpose=purpose[:200],
        pid=os.getpid(),
        host=socket.gethostname()[:255],
        since=dt.datetime.now(dt.UTC),
    )


def _try_acquire(name: str, purpose: str) -> bool:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
            if not cursor.fetchone()[0]:
                return False
        with transaction.atomic():
            WriterLock.objects.filter(name=name).delete()  # left by a holder whose session ended
            _row(name, purpose).save(force_insert=True)
        return True
    try:
        # An immediate transaction: the check and the insert are one step for every process.
        with transaction.atomic():
            found = WriterLock.objects.select_for_update().filter(name=name).first()
            if found is not None and _alive(found):
                return False
            if found is not None:
                found.delete()
            _row(name, purpose).save(force_insert=True)
        return True
    except OperationalError as exc:
        if is_busy(exc):  # the holder is writing right now; look again later
            return False
        raise


def _alive(lock: WriterLock) -> bool:
    if lock.host != socket.gethostname()[:255]:
        return True  # another machine: it cannot be checked from here, so it is trusted
    try:
        os.kill(lock.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _release(name: str) -> None:
    # Always try to delete the row and unlock, even when the body failed: a rolled-back body must not keep
    # the next writer waiting.
    try:
        with transaction.atomic():
            WriterLock.objects.filter(name=name, pid=os.getpid()).delete()
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])


BUSY_SQLSTATES = {"40P01", "40001", "55P03", "57014"}  # deadlock, serialization, lock not available, cancel


def is_busy(exc: BaseException) -> bool:
    """True when a database error means "another writer holds what this one needs": SQLite's "database is
    locked", PostgreSQL's deadlock, serialization failure, lock timeout. Such a request or command may
    simply be tried again later."""
    if not isinstance(exc, OperationalError):
        return False
    if connection.vendor == "sqlite" or "locked" in str(exc):
        return "locked" in str(exc) or "busy" in str(exc)
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in BUSY_SQLSTATES
