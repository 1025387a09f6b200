"""Warehouse tests: the real database of the run, with the reference knowledge synchronised once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import django_db_setup  # noqa: F401 - the session fixture, shared


def counts() -> dict[str, int]:
    """Rows in every warehouse table: equal before and after a refused import."""
    from wsis.apps.warehouse.models import ImportedFile, Observation, QualityFlag, Release

    return {m.__name__: m.objects.count() for m in (Release, Observation, ImportedFile, QualityFlag)}


@pytest.fixture()
def itu(shared: Path) -> Path:
    return shared / "itu-datahub"
