"""Every number keeps its release: latest by default, "as published" on request, revisions between two."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from tests.warehouse.conftest import counts
from wsis.apps.warehouse.domain.importing import ImportRefused, import_release
from wsis.apps.warehouse.domain.query import QueryError, revisions, select, to_frame

HEADER = (
    "seriesID,seriesCode,seriesName,seriesParent,seriesUnits,entityID,entityIso,entityName,"
    "dataValue,dataYear,dataNote,dataSource,seriesDescription"
)


def _itu_file(path: Path, rows: list[tuple[str, str, float]]) -> Path:
    """A small ITU DataHub export (the real layout) of Internet use: (ISO3, year, value) rows."""
    lines = [HEADER]
    for iso3, year, value in rows:
        lines.append(
            f"1,i99H,Individuals using the Internet,0,%,1,{iso3},{iso3},{value},{year},,,Internet use"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def two_vintages(tmp_path: Path):
    old = _itu_file(
        tmp_path / "old.csv", [("KEN", "2021", 30.0), ("KEN", "2022", 35.0), ("RWA", "2022", 30.0)]
    )
    new = _itu_file(
        tmp_path / "new.csv", [("KEN", "2021", 30.0), ("KEN", "2022", 40.8), ("BRA", "2022", 80.5)]
    )
    return old, new


def _values(**filters) -> dict[tuple[str, str], float]:
    frame = to_frame(select(indicators=["i99H"], **filters))
    return {(r["area"], r["period"]): r["value"] for r in frame.iter_rows(named=True)}


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["in order", "newest first"])
def test_latest_as_published_and_revisions(two_vintages, order: str) -> None:
    old, new = two_vintages
    imports = [(old, "2024 edition", dt.date(2024, 6, 1)), (new, "2025 edition", dt.date(2025, 6, 1))]
    if order == "newest first":
        imports.reverse()
    for path, name, date in imports:
        import_release([path], name=name, date=date)
    # Latest per key: the 2025 figure where it exists, the 2024 one for a key the 2025 edition dropped.
    assert _values() == {
        ("KEN", "2021"): 30.0,
        ("KEN", "2022"): 40.8,
        ("BRA", "2022"): 80.5,
        ("RWA", "2022"): 30.0,
    }
    assert _values(release="ITU: 2024 edition") == {
        ("KEN", "2021"): 30.0,
        ("KEN", "2022"): 35.0,
        ("RWA", "2022"): 30.0,
    }
    changes = revisions("ITU: 2024 edition", "ITU: 2025 edition")
    by_area = {(r["area"], r["period"]): r["change"] for r in changes.iter_rows(named=True)}
    assert by_area == {("KEN", "2022"): "revised", ("BRA", "2022"): "added", ("RWA", "2022"): "dropped"}
    revised = changes.filter(pl.col("change") == "revised").row(0, named=True)
    assert revised["before"] == 35.0 and revised["after"] == 40.8


@pytest.mark.django_db
def test_conflict_with_the_same_release_changes_nothing(two_vintages) -> None:
    old, new = two_vintages
    import_release([old], name="2024 edition")
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        import_release([new], name="2024 edition")
    problem = refused.value.problems[0]
    assert problem.file == "new.csv" and problem.row == 3 and problem.column == "value"
    assert "conflicts with the same release" in problem.message
    assert counts() == before


@pytest.mark.django_db
def test_bad_file_among_good_ones_refuses_all(two_vintages, tmp_path: Path) -> None:
    old, _ = two_vintages
    bad = _itu_file(tmp_path / "bad.csv", [("KEN", "2023", 130.0)])
    with pytest.raises(ImportRefused) as refused:
        import_release([old, bad], name="mixed")
    assert any(p.file.endswith("bad.csv") and p.row == 2 for p in refused.value.problems)
    assert counts() == {"Release": 0, "Observation": 0, "ImportedFile": 0, "QualityFlag": 0}


@pytest.mark.django_db
def test_same_key_in_two_files_of_one_import(tmp_path: Path) -> None:
    a = _itu_file(tmp_path / "a.csv", [("KEN", "2022", 40.8)])
    b = _itu_file(tmp_path / "b.csv", [("KEN", "2022", 41.0)])
    with pytest.raises(ImportRefused, match="nothing was written") as refused:
        import_release([a, b])
    assert "a.csv, b.csv" in refused.value.problems[0].file


@pytest.mark.django_db
def test_unknown_release_and_group_are_clear_errors() -> None:
    with pytest.raises(QueryError, match="no release"):
        select(release="nope")
    with pytest.raises(QueryError, match="no group"):
        select(group="NOPE")


@pytest.mark.django_db
def test_group_selection_follows_membership_dates(tmp_path: Path) -> None:
    path = _itu_file(tmp_path / "x.csv", [("BTN", "2022", 80.0), ("NPL", "2022", 50.0)])
    import_release([path])
    assert set(_values(group="LDC", on=dt.date(2023, 1, 1))) == {("BTN", "2022"), ("NPL", "2022")}
    assert set(_values(group="LDC", on=dt.date(2024, 1, 1))) == {("NPL", "2022")}
