"""The UMC 2030 progress bands (umc_bands.yaml, wsis.reference.bands)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from wsis.reference import bands, loader


@pytest.fixture(scope="module")
def shipped() -> bands.BandsFile:
    return bands.load_bands(loader.PACKAGE_DATA)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "limited"),
        (49.99, "limited"),
        (50, "satisfactory"),
        (75, "advanced"),
        (94.99, "advanced"),
        (95, "met"),
        (100, "met"),
    ],
)
def test_band_edges(shipped: bands.BandsFile, score: float, band: str) -> None:
    assert bands.band_for(score, shipped).code == band


def test_met_from_95(shipped: bands.BandsFile) -> None:
    assert shipped.met_at == 95
    assert bands.is_met(95, shipped) and not bands.is_met(94.9, shipped)


@pytest.mark.parametrize("score", [-0.1, 100.1, math.nan])
def test_score_outside_0_100_is_an_error(shipped: bands.BandsFile, score: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        bands.band_for(score, shipped)


def test_bands_match_the_itu_datahub_recording(shared: Path, shipped: bands.BandsFile) -> None:
    recorded = json.loads(
        (shared / "itu-datahub-api" / "itu-list-umc-targets.json").read_text(encoding="utf-8")
    )
    # ITU's list also has a "No data" pseudo-band (min = max = -1): the platform shows missing data apart.
    real = [
        (r["label"], r["min"], r["max"]) for r in sorted(recorded, key=lambda r: r["min"]) if r["min"] >= 0
    ]
    ours = [(b.name.en, b.lower, b.upper) for b in shipped.bands]
    assert ours == real


def _write(tmp_path: Path, change) -> Path:
    data = yaml.safe_load((loader.PACKAGE_DATA / bands.FILE).read_text(encoding="utf-8"))
    change(data)
    (tmp_path / bands.FILE).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_gap_between_bands_names_file_field_and_band(tmp_path: Path) -> None:
    directory = _write(tmp_path, lambda d: d["bands"][1].update({"lower": 55}))
    with pytest.raises(loader.ReferenceDataError) as err:
        bands.load_bands(directory)
    [problem] = err.value.problems
    assert (problem.file, problem.field) == (bands.FILE, "bands")
    assert "bands[1] (satisfactory)" in problem.message and "expected 50" in problem.message


def test_inverted_band_names_the_entry(tmp_path: Path) -> None:
    directory = _write(tmp_path, lambda d: d["bands"][2].update({"upper": 70}))
    with pytest.raises(loader.ReferenceDataError) as err:
        bands.load_bands(directory)
    assert any(p.entry == "bands[2] (advanced)" for p in err.value.problems), err.value


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(loader.ReferenceDataError, match="umc_bands.yaml: file: missing"):
        bands.load_bands(tmp_path)
