"""Personal API tokens. The token is random, shown once, and stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from wsis.apps.accounts.models import ApiToken


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, user, label: str = "") -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, label=label, digest=_digest(token), prefix=token[:8])
    return token


def user_for_token(*, token: str):
    """The active user owning ``token``, or None."""
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), revoked=False, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user
