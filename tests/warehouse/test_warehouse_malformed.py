"""The whole corpus of malformed files, through the real import: each is refused with a clear error and
the database is left exactly as it was (a release already stored stays untouched)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.engine.readers.test_malformed import CASES
from tests.warehouse.conftest import counts
from tests.warehouse.test_warehouse_releases import _itu_file
from wsis.apps.warehouse.domain.importing import ImportRefused, import_release
from wsis.apps.warehouse.models import Observation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "filename", "make", "fragment", "row", "column"), CASES, ids=[c[0] for c in CASES]
)
def test_malformed_file_changes_nothing(
    name: str, filename: str, make: Callable[[Path], None], fragment: str, row, column, tmp_path: Path
) -> None:
    good = _itu_file(tmp_path / "good.csv", [("KEN", "2022", 40.8)])
    import_release([good], name="stored before")
    before = counts()
    values = list(Observation.objects.values_list("indicator", "area", "period", "value", "is_latest"))
    bad = tmp_path / filename
    make(bad)
    # Into a new release and into the existing one: refused both ways.
    for release in ("new release", "stored before"):
        with pytest.raises(ImportRefused) as refused:
            import_release([bad], name=release, publisher="ITU")
        assert any(fragment in p.message for p in refused.value.problems), refused.value.problems[:3]
    assert counts() == before
    assert (
        list(Observation.objects.values_list("indicator", "area", "period", "value", "is_latest")) == values
    )
