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


def run_worker() -> None:
    """Run the queued background tasks as `wsis worker --batch` does, in this process and this test's
    transaction (the real django-tasks database worker, not a stand-in). The worker closes connections it
    thinks stale between tasks; here the connection is the test's open transaction (on PostgreSQL closing it
    would end the test), so that one call is made a no-op while the worker runs."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    closer = db_worker.close_old_connections
    db_worker.close_old_connections = lambda **kwargs: None
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload")
    finally:
        db_worker.close_old_connections = closer


@pytest.fixture
def web_import(client, django_capture_on_commit_callbacks):
    """Upload a bulk file through the import page as a signed-in member would, let the worker run the
    import, and return the page the upload led to (its progress page, now with the report)."""

    def upload(org, file, *, worker: bool = True):
        # The test's transaction never commits: run the upload's on-commit hook (queueing the task) now.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/en/registry/import/?org={org.pk}", {"org": org.pk, "file": file})
        if response.status_code != 302 or not worker:  # refused before any work was queued, or left queued
            return response
        run_worker()
        return client.get(response["Location"])

    return upload
