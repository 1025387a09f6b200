"""Background tasks of the workspaces: the daily and the weekly digest (also ``wsis workspaces digest``)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_digest(period: str) -> int:
    from wsis.apps.workspaces.domain.digest import send_digests

    return send_digests(period=period)
