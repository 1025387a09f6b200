"""Open data out: every format re-imports to identical observations; dumps carry checksums."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from wsis.apps.warehouse.domain.export import EXTENSIONS, dump, export
from wsis.apps.warehouse.domain.importing import import_release
from wsis.apps.warehouse.domain.query import select, to_frame
from wsis.engine.readers.observation import COLUMNS
from wsis.engine.readers.writers import FORMATS

COMPARED = [c for c in COLUMNS if c != "source_row"]


def _canonical(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(COMPARED).sort(["indicator", "area", "period", "sex", "urbanisation"])


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_gives_identical_observations(shared: Path, tmp_path: Path, fmt: str) -> None:
    import_release([shared / "itu-wti/individuals-using-internet-by-gender-urban-rural.xls"], name="wti")
    import_release([shared / "itu-datahub/mobile_phone_ownership.csv"], name="own")
    original = _canonical(to_frame(select()))
    path = export(to_frame(select()), tmp_path / f"out.{EXTENSIONS[fmt]}", fmt)
    report = import_release([path], name=f"round trip {fmt}", publisher="WSIS Observatory")
    again = _canonical(to_frame(select(release=report.release.id)))
    assert again.height == original.height > 500
    assert again.equals(original)


@pytest.mark.django_db
def test_csv_export_neutralises_formula_cells(tmp_path: Path) -> None:
    source = tmp_path / "notes.csv"
    header = (
        "seriesID,seriesCode,seriesName,seriesParent,seriesUnits,entityID,entityIso,entityName,"
        "dataValue,dataYear,dataNote,dataSource,seriesDescription"
    )
    source.write_text(header + '\n1,i99H,x,0,%,1,KEN,Kenya,40.8,2022,=HYPERLINK("http://evil"),@SUM(A1),d\n')
    import_release([source], name="formulas")
    out = export(to_frame(select()), tmp_path / "out.csv", "csv")
    text = out.read_text()
    assert "'=HYPERLINK" in text and "'@SUM" in text
    assert ",=" not in text and ",@" not in text


@pytest.mark.django_db
def test_dump_writes_every_format_with_checksums(shared: Path, tmp_path: Path) -> None:
    import_release([shared / "itu-datahub/smartphone_ownership.csv"])
    sums = dump(tmp_path / "dump")
    listed = (tmp_path / "dump/SHA256SUMS").read_text().splitlines()
    assert len(listed) == len(sums) == len(FORMATS) + 2
    for line in listed:
        digest, name = line.split("  ")
        assert hashlib.sha256((tmp_path / "dump" / name).read_bytes()).hexdigest() == digest
