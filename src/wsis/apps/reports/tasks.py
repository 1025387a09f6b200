"""Background tasks of calls for inputs: the daily reminder (also ``wsis report remind``)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_reminders() -> int:
    from wsis.apps.reports.domain.calls import remind

    return len(remind())
