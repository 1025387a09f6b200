"""Web tests run on the real database of the run (SQLite or PostgreSQL), with the reference knowledge
synchronised into it once per session and static files collected, as `wsis setup` does."""

from __future__ import annotations

import pytest

LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    from wsis.apps.reference.sync import sync_reference
    from wsis.reference.loader import knowledge

    # Pages link fingerprinted static files, as served after `wsis setup`.
    call_command("collectstatic", interactive=False, verbosity=0)
    with django_db_blocker.unblock():
        sync_reference(knowledge())
