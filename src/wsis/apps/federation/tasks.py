"""Scheduled pulls (Django's tasks API through django-tasks; ``wsis worker`` runs the queue)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task
from django_tasks.exceptions import InvalidTaskError


@task()
def pull_source(source_id: int) -> str:
    """Pull one source, then queue its next pull ``every_hours`` later (a source down is retried at the
    next turn too: it is recorded and reported, never dropped from the schedule)."""
    from wsis.apps.federation.domain.pull import pull
    from wsis.apps.federation.models import Source

    source = Source.objects.filter(id=source_id).first()
    if source is None:
        return "source removed"
    record = pull(source)
    schedule(source)
    if record.status == record.Status.OK:
        from wsis.apps.publishing.domain.refresh import refresh

        refresh(trigger=f"pull of source {source.name}")  # the new release's figures, published
    return f"{record.status}: {record.error or record.release_id or ''}".strip()


def schedule(source, *, first: bool = False) -> bool:
    """Queue the next pull of ``source`` (now if ``first``); False when it has no schedule or the task
    backend cannot defer (development)."""
    if not source.every_hours:
        return False
    from wsis.apps.warehouse import clock

    when = clock.now() + (dt.timedelta() if first else dt.timedelta(hours=source.every_hours))
    try:
        pull_source.using(run_after=when).enqueue(source.id)
    except InvalidTaskError:
        return False
    return True
