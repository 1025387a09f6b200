"""Calls for inputs and reports: the business rules, as keyword-only functions the views, the CLI and
the tests call alike. Every refusal is a :class:`ReportsError` with a message for the person, and leaves
nothing stored."""


class ReportsError(ValueError):
    """Bad input or an action the rules refuse; the message says why, for the person who asked."""


class EditConflict(ReportsError):
    """A save based on a version that is no longer the newest: someone saved in between. Nothing is
    stored; the person sees both texts - ``theirs`` (now saved, ``revision``) and ``yours`` (refused) -
    and may save again on top of the newer version."""

    def __init__(self, message: str, *, theirs, yours, revision: int, by: str = "") -> None:
        super().__init__(message)
        self.theirs, self.yours, self.revision, self.by = theirs, yours, revision, by
