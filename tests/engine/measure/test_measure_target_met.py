"""Whether a target is met follows its framework's own rule, not the achievement percentage (issue 13)."""

from __future__ import annotations

from wsis.engine.measure.targets import achievement, met, source_band


def test_met_only_at_the_threshold_outside_umc() -> None:
    # The case: world Internet use 73.0 against the Broadband Commission's "at least 75".
    assert round(achievement(73.0, 75)) == 97
    assert not met(73.0, 75, "at_least", "BBC2025") and met(75.0, 75, "at_least", "BBC2025")
    assert not met(2.01, 2.0, "at_most", "BBC2025") and met(2.0, 2.0, "at_most", "BBC2025")
    assert not met(99.9, 100, "at_least", "SDG")
    # No bands of their own: none is given.
    assert source_band(achievement(73.0, 75), "BBC2025") is None


def test_umc_targets_are_met_from_95_as_itu_counts_them() -> None:
    assert met(95.0, 100, "at_least", "UMC2030") and not met(94.96, 100, "at_least", "UMC2030")
    assert source_band(94.96, "UMC2030") == "Advanced" and source_band(95.0, "UMC2030") == "Target met"
    assert source_band(None, "UMC2030") == "No data"
