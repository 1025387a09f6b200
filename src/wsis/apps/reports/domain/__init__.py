"""Calls for inputs and reports: the business rules, as keyword-only functions the views, the CLI and
the tests call alike. Every refusal is a :class:`ReportsError` with a message for the person, and leaves
nothing stored."""


class ReportsError(ValueError):
    """Bad input or an action the rules refuse; the message says why, for the person who asked."""
