"""The WSIS Forum's business rules, as keyword-only functions the views and the tests call alike. Every
refusal is a :class:`ForumError` naming what is wrong and where, and leaves nothing stored."""


class ForumError(ValueError):
    """Bad input or an action the rules refuse; the message says why, for the person who asked."""
