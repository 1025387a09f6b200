"""Background tasks of the registry (Django's tasks API; `wsis worker` runs the queue)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_bulk_file(key: str) -> str:
    """Import one uploaded bulk file (``domain.background``); returns its final status."""
    from wsis.apps.registry.domain.background import run_import

    return run_import(key)
