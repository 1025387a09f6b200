"""Registry tests run on the real database of the run (SQLite or PostgreSQL) with the reference knowledge
synchronised once per session, as the web tests do; people and entries are built by ``factories``."""

from __future__ import annotations

import pytest

from tests.registry import factories
from tests.web.conftest import django_db_setup  # noqa: F401 - same session-wide database preparation


@pytest.fixture
def world(db):
    """One cast for permission and workflow tests: two organizations, facilitators of two lines, a
    moderator, an admin, and entries of the first organization in C5 at several states."""
    return factories.World.build()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hundreds of accounts are made per run; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
