"""Background tasks of the publication pipeline (Django's tasks API through the django-tasks backport; the
queue is in the database and `wsis worker` runs it)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_figures(trigger: str) -> int:
    """Refresh every published figure (see ``domain.refresh``); returns the new publication's id. A failure
    is recorded as a failed publication and raised, so the task shows as failed with its error."""
    from wsis.apps.publishing.domain.refresh import refresh

    return refresh(trigger=trigger).pk
