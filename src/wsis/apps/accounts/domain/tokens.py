"""Personal API tokens. The token is random, shown once, and stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from wsis.apps.accounts.models import ApiToken
from wsis.apps.accounts.throttle import token_allowed, token_failed, token_refusal


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, user, label: str = "") -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, label=label, digest=_digest(token), prefix=token[:8])
    return token


class TokenThrottled(Exception):
    """Too many wrong tokens came from this address: it must wait (the sign-in throttle's cool-off)."""


def user_for_token(*, token: str, request=None):
    """The active user owning ``token``, or None. Given the request, wrong tokens count as failed sign-ins
    of its address, and an address over the limit gets TokenThrottled whatever token it sends."""
    if request is not None and not token_allowed(request):
        raise TokenThrottled(token_refusal())
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), revoked=False, user__is_active=True)
        .first()
    )
    if found is None:
        if request is not None:
            token_failed(request)
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user
