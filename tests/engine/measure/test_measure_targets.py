"""Current status against targets: achievement and ITU's bands, checked against ITU's recorded bands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wsis.engine.measure.targets import UMC_BANDS, achievement, band


def test_achievement_and_bands_hand_computed() -> None:
    assert achievement(67.4, 75) == pytest.approx(89.8666, abs=1e-3)  # world Internet use against 75%
    assert band(achievement(67.4, 75)) == "Advanced"
    assert band(achievement(35.0, 35)) == "Target met"
    assert achievement(4.0, 2.0, "at_most") == pytest.approx(50.0)  # a price twice the ceiling
    assert band(50.0) == "Satisfactory" and band(49.99) == "Limited" and band(95.0) == "Target met"
    assert band(100.0) == "Target met" and band(None) == "No data"
    with pytest.raises(ValueError):
        band(120.0)


def test_bands_match_itu_recorded_targets(shared: Path) -> None:
    recorded = json.loads(
        (shared / "itu-datahub-api" / "itu-list-umc-targets.json").read_text(encoding="utf-8")
    )
    itu = [(t["label"], t["min"], t["max"]) for t in recorded if t["min"] >= 0]
    assert itu == [(b.label, b.low, b.high) for b in UMC_BANDS]
