"""Prize tests run on the real database of the run (SQLite or PostgreSQL) with the reference knowledge
synchronised once per session, as the web and registry tests do."""

from __future__ import annotations

import pytest

from tests.web.conftest import django_db_setup  # noqa: F401 - same session-wide database preparation


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hundreds of accounts are made per run; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_messages():
    """Domain messages are checked in English; a page test in another language leaves that language
    active on the thread (LocaleMiddleware activates per request and never resets)."""
    from django.utils import translation

    with translation.override("en"):
        yield
