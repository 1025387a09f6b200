"""No raw traceback reaches a user of the command line.

Every command runs inside :class:`CommandGroup`: an error it did not turn into a message itself (the
database busy with another writer, a lost connection, a bug) is printed as one line saying what happened
and what to do, the command exits 1, and the traceback goes to ``logs/wsis-cli.log`` in the data folder
(``WSIS_DEBUG=1`` shows it on the terminal instead)."""

from __future__ import annotations

import datetime as dt
import os
import traceback

import click

from wsis.cli.lazy import LazyGroup

PASS_THROUGH = (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)


class CommandGroup(LazyGroup):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PASS_THROUGH:
            raise
        except Exception as exc:
            if os.environ.get("WSIS_DEBUG") == "1":
                raise
            raise click.ClickException(explain(exc, _log(exc))) from None


def explain(exc: Exception, log: str | None) -> str:
    """One line for ``exc``: what happened, whether anything changed, and where the details are."""
    from django.db import DatabaseError, OperationalError

    where = f" (details in {log})" if log else ""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if type(exc).__name__ == "WritersBusy":
        return text
    if isinstance(exc, OperationalError):
        from wsis.apps.operations.domain.locks import is_busy

        if is_busy(exc):
            return (
                "the database is busy with another writer (an import, a refresh or the site); nothing was "
                f"changed - try again in a moment{where}"
            )
        return f"database error: {text}{where}"
    if isinstance(exc, DatabaseError):
        return f"database error: {text}{where}"
    return f"unexpected error ({type(exc).__name__}): {text}{where}"


def _log(exc: Exception) -> str | None:
    """Append the traceback to the data folder's CLI log; its path, or None if it cannot be written."""
    from wsis.paths import data_home

    path = data_home() / "logs" / "wsis-cli.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {dt.datetime.now(dt.UTC).isoformat()} pid {os.getpid()}\n")
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return str(path)
