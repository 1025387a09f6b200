"""Refusals the prizes rules give, each with a message a person can act on."""

from __future__ import annotations


class PrizeError(Exception):
    """A rule of the cycle refused the action; ``str()`` is the message shown to the person."""

    code = "refused"


class PhaseClosed(PrizeError):
    code = "phase_closed"


class Ineligible(PrizeError):
    code = "ineligible"


class NotAllowed(PrizeError):
    code = "not_allowed"


class AlreadyVoted(PrizeError):
    code = "already_voted"


class RateLimited(PrizeError):
    code = "rate_limited"


class ChallengeFailed(PrizeError):
    code = "challenge_failed"
