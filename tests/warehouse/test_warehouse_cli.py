"""`wsis import / query / export / releases / revisions / quality / dump` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.warehouse.conftest import counts
from tests.warehouse.test_warehouse_releases import _itu_file
from wsis.cli import main


@pytest.mark.django_db
def test_import_query_export_cycle(shared: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    path = shared / "itu-datahub/mobile_phone_ownership.csv"
    out = runner.invoke(main, ["import", str(path), "--release", "phones 2025", "--date", "2025-06-01"])
    assert out.exit_code == 0, out.output
    assert "1109 observations written" in out.output and "'ITU: phones 2025' (new)" in out.output
    again = runner.invoke(main, ["import", str(path), "--release", "phones 2025"])
    assert "0 observations written, 1109 already stored" in again.output
    rows = json.loads(runner.invoke(main, ["query", "--area", "KEN", "--format", "json"]).output)
    assert rows and all(r["area"] == "KEN" and r["release_name"] == "phones 2025" for r in rows)
    wti = shared / "itu-wti/individuals-using-internet-by-gender-urban-rural.xls"
    assert runner.invoke(main, ["import", str(wti), "--release", "wti 2019"]).exit_code == 0
    women = json.loads(
        runner.invoke(main, ["query", "--area", "ARG", "--by", "sex=F", "--format", "json"]).output
    )
    assert women and all(r["sex"] == "F" and r["release_name"] == "wti 2019" for r in women)
    target = tmp_path / "ken.sdmx.xml"
    exported = runner.invoke(main, ["export", "--area", "KEN", "--format", "sdmx-ml", "-o", str(target)])
    assert exported.exit_code == 0 and target.exists()
    assert runner.invoke(main, ["releases"]).output.count("phones 2025") == 1
    assert runner.invoke(main, ["query", "--by", "sex"]).exit_code != 0
    assert runner.invoke(main, ["quality", "ITU: phones 2025"]).exit_code == 0
    dumped = runner.invoke(main, ["dump", str(tmp_path / "dump")])
    assert dumped.exit_code == 0 and "observations.csv" in dumped.output


@pytest.mark.django_db
def test_refused_import_prints_every_problem_and_exits_non_zero(tmp_path: Path) -> None:
    bad = _itu_file(tmp_path / "bad.csv", [("KEN", "2022", 140.0), ("XYZ", "2022", 40.0)])
    before = counts()
    result = CliRunner().invoke(main, ["import", str(bad)])
    assert result.exit_code == 1
    assert "row 2" in result.output and "row 3" in result.output and "nothing was written" in result.output
    assert counts() == before


@pytest.mark.django_db
def test_skip_invalid_writes_rejected_rows(tmp_path: Path) -> None:
    bad = _itu_file(tmp_path / "bad.csv", [("KEN", "2022", 140.0), ("RWA", "2022", 34.4)])
    rejected = tmp_path / "rejected.csv"
    result = CliRunner().invoke(main, ["import", str(bad), "--skip-invalid", "--rejected", str(rejected)])
    assert result.exit_code == 0, result.output
    assert "1 rows rejected" in result.output and rejected.exists()
    assert counts()["Observation"] == 1


@pytest.mark.django_db
def test_metadata_and_structure(shared: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["import", str(shared / "itu-datahub/smartphone_ownership.csv")])
    code = json.loads(runner.invoke(main, ["query", "--format", "json"]).output)[0]["indicator"]
    meta = json.loads(runner.invoke(main, ["metadata", code]).output)
    assert meta["code"] == code and meta["periods"] and meta["releases"][0]["publisher"] == "ITU"
    assert runner.invoke(main, ["metadata", "nope"]).exit_code != 0
    structure = tmp_path / "structure.xml"
    result = runner.invoke(main, ["export", "--format", "sdmx-structure", "-o", str(structure)])
    assert result.exit_code == 0 and b"DataStructure" in structure.read_bytes()
