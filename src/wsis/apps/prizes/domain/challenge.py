"""The challenge step before a ballot: a proof-of-work the browser computes (no third-party service), or,
without JavaScript, a one-time voting link sent by e-mail.

Challenges are signed, not stored: the signature binds the cycle and the account, and the work binds the
category, so a solved challenge cannot serve another voter. It can serve the same voter in the same
category only once, because the database accepts one ballot per voter per category."""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from wsis.apps.prizes.domain.errors import ChallengeFailed
from wsis.apps.prizes.models import Cycle, Nominee
from wsis.engine.prizes.challenge import is_solution

CHALLENGE_SALT = "wsis.prizes.challenge"
LINK_SALT = "wsis.prizes.vote-link"
CHALLENGE_MAX_AGE = 3600
LINK_MAX_AGE = 2 * 24 * 3600


def issue(*, cycle: Cycle, user) -> str:
    return signing.TimestampSigner(salt=CHALLENGE_SALT).sign(f"{cycle.year}.{user.pk}.{secrets.token_hex(8)}")


def check(*, cycle: Cycle, user, category: int, challenge: str, nonce: str) -> None:
    try:
        value = signing.TimestampSigner(salt=CHALLENGE_SALT).unsign(challenge, max_age=CHALLENGE_MAX_AGE)
    except signing.SignatureExpired:
        raise ChallengeFailed(_("The challenge has expired; reload the page and vote again.")) from None
    except signing.BadSignature:
        raise ChallengeFailed(_("The challenge is not valid.")) from None
    year, account, _rand = value.split(".")
    if int(year) != cycle.year or int(account) != user.pk:
        raise ChallengeFailed(_("The challenge was issued for another voter or cycle."))
    if not is_solution(challenge, category, nonce, cycle.pow_bits):
        raise ChallengeFailed(_("The proof of work is not correct."))


def vote_link_token(*, cycle: Cycle, user, nominee: Nominee) -> str:
    return signing.dumps([cycle.year, user.pk, nominee.pk], salt=LINK_SALT)


def read_vote_link(token: str) -> tuple[int, int, int]:
    """(year, account, nominee) of a one-time link; it is one-time because the vote it casts is unique."""
    try:
        year, account, nominee = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        raise ChallengeFailed(_("This voting link is not valid or has expired.")) from None
    return int(year), int(account), int(nominee)


def send_vote_link(*, cycle: Cycle, user, nominee: Nominee, base_url: str) -> None:
    token = vote_link_token(cycle=cycle, user=user, nominee=nominee)
    link = base_url.rstrip("/") + reverse("prizes:vote_link", args=[cycle.year, token])
    send_mail(
        subject=_("Your WSIS Prizes %(year)s voting link") % {"year": cycle.year},
        message=_("Open this link to confirm your vote (it works once, for two days):\n\n%(link)s\n")
        % {"link": link},
        from_email=None,
        recipient_list=[user.email],
    )
