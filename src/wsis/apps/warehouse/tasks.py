"""Background tasks of the warehouse: the end of a release's embargo (Django's tasks API through the
django-tasks backport; the queue is in the database and ``wsis worker`` runs it)."""

from __future__ import annotations

import logging

from django_tasks import task
from django_tasks.exceptions import InvalidTaskError

from wsis.apps.warehouse.models import Release

log = logging.getLogger(__name__)


@task()
def lift_embargo(release_id: int) -> list[int]:
    """Make public every release whose publication time has come (``release_id``'s and any other one
    still waiting): their figures become the latest, the figures are published again and the page caches
    emptied. Returns the ids of the releases lifted (none when run early: it then changes nothing)."""
    from wsis.apps.warehouse.domain.embargo import lift_due

    return [r.id for r in lift_due(trigger=f"end of embargo (release {release_id})")]


def schedule_lift(release: Release) -> None:
    """Queue :func:`lift_embargo` to run at ``release.publish_at``, in the caller's transaction."""
    try:
        lift_embargo.using(run_after=release.publish_at).enqueue(release.id)
    except InvalidTaskError:
        # A task backend that cannot wait (WSIS_TASKS_IMMEDIATE=1, development): nothing will run at the
        # time, so say how to lift it by hand. The release stays invisible until then.
        log.warning(
            "the task backend cannot defer tasks: release %s stays under embargo until "
            "`wsis releases --lift-due` runs after %s",
            release.id,
            release.publish_at.isoformat() if release.publish_at else "?",
        )
