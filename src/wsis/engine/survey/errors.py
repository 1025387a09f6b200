"""Errors raised on bad survey input: each names the file, the column and the offending rows."""

from __future__ import annotations

from collections.abc import Sequence


class SurveyInputError(ValueError):
    """Bad microdata or a bad design specification; never a silent number.

    ``column`` is the variable at fault and ``rows`` the 1-based data rows (first few) that show it.
    """

    def __init__(
        self, message: str, *, column: str | None = None, rows: Sequence[int] = (), source: str | None = None
    ) -> None:
        self.message = message
        self.column = column
        self.rows = list(rows)
        self.source = source
        parts = []
        if source:
            parts.append(f"{source}: ")
        if column:
            parts.append(f"column {column!r}: ")
        parts.append(message)
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:10])
            more = "" if len(self.rows) <= 10 else ", ... (first 10 shown)"
            parts.append(f" [rows {shown}{more}]")
        super().__init__("".join(parts))


def with_source(error: SurveyInputError, source: str) -> SurveyInputError:
    """The same error, naming the data file it was found in (steps that work on arrays do not know it)."""
    if error.source is not None:
        return error
    return SurveyInputError(error.message, column=error.column, rows=error.rows, source=source)
