"""A person's preferred language, for what is written to them outside a request (e-mails, digests).
Without a stated preference: the site's default language."""

from __future__ import annotations

from django.conf import settings

from wsis.apps.accounts.models import Preference


def preferred_language(*, user, default: str | None = None) -> str:
    """A Django language code of ``settings.LANGUAGES`` (e.g. ``fr``, ``zh-hans``); without a stated
    preference, ``default`` or the site's default language."""
    found = Preference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return found or default or settings.LANGUAGE_CODE


def prefer_language(*, user, language: str) -> Preference:
    codes = [code for code, _ in settings.LANGUAGES]
    if language not in codes:
        raise ValueError(f"language: {language!r} is not one of {', '.join(codes)}")
    preference, _ = Preference.objects.update_or_create(user=user, defaults={"language": language})
    return preference
