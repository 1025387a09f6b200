"""Loading real shared files into the warehouse for a group of tests, and leaving it empty afterwards.

Imports take seconds, so folders that need real data load them once (per module or per package) in the
real test database and call `empty_warehouse` when done: the other folders expect an untouched warehouse.
"""

from __future__ import annotations


def empty_warehouse() -> None:
    """Delete every warehouse row, stored computation and publication, then number ids from 1 again (ids
    are not reused otherwise, even after a rollback on PostgreSQL)."""
    from django.core.management.color import no_style
    from django.db import connection

    from wsis.apps.measure.models import Computation
    from wsis.apps.publishing.models import Publication, PublishedFigure
    from wsis.apps.warehouse.models import ImportedFile, Observation, QualityFlag, Release

    Publication.objects.all().delete()
    Computation.objects.all().delete()
    Observation.objects.all().delete()
    Release.objects.all().delete()
    models = [
        Release,
        Observation,
        ImportedFile,
        QualityFlag,
        Computation,
        Computation.releases.through,
        Publication,
        PublishedFigure,
    ]
    for model in models:
        assert not model.objects.exists(), f"{model.__name__} still has rows"
    sequences = [{"table": m._meta.db_table, "column": "id"} for m in models]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
            cursor.execute(statement)
