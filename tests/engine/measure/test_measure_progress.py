"""Progress towards targets: Open SDG / Eurostat CAGR method and UNSD 2022 cut-offs, hand-computed."""

from __future__ import annotations

import math
from types import SimpleNamespace

import polars as pl
import pytest

from wsis.engine.measure import progress as pr


def test_cagr() -> None:
    assert pr.cagr(121, 100, 2017, 2015) == pytest.approx(0.10)


def test_with_target_on_track_and_its_score() -> None:
    a = pr.assess([2015, 2018, 2020], [50, 55, 60], direction="increase", target=80, target_year=2030)
    observed = 1.2 ** (1 / 5) - 1  # 3.714% a year
    required = 1.6 ** (1 / 15) - 1  # 3.183% a year
    assert a.progress_value == pytest.approx(observed / required)
    assert a.progress_value == pytest.approx(1.16676, abs=1e-4)
    assert a.status == pr.ON_TRACK
    assert a.score == pytest.approx((observed / required - 0.6) * 5 / 0.7)
    assert (a.base_year, a.current_year) == (2015, 2020)


@pytest.mark.parametrize(
    ("ratio", "status", "score"),
    [
        (1.3, pr.ON_TRACK, 5.0),
        (0.95, pr.ON_TRACK, 2.5),
        (0.6, pr.ACCELERATION, 0.0),
        (0.0, pr.LIMITED, -2.5),
        (-0.6, pr.DETERIORATION, -5.0),
        (-2.0, pr.DETERIORATION, -5.0),
    ],
)
def test_score_bands_with_target(ratio: float, status: str, score: float) -> None:
    assert pr.score_with_target(ratio) == pytest.approx(score)
    assert pr.status_from_score(pr.score_with_target(ratio)) == status


def test_target_already_met_and_decreasing_direction() -> None:
    met = pr.assess([2015, 2022], [70, 96], direction="increase", target=95)
    assert met.status == pr.TARGET_ACHIEVED and met.score == 5
    worse = pr.assess([2015, 2020], [20, 22], direction="decrease", target=10, target_year=2030)
    # observed +1.924% a year against -4.516% needed: R = -0.426 -> deterioration
    r = -((1.1**0.2) - 1) / abs(0.5 ** (1 / 15) - 1)
    assert worse.progress_value == pytest.approx(r) and worse.status == pr.DETERIORATION


def test_without_target_thresholds_and_scores() -> None:
    a = pr.assess([2015, 2020], [100, 105], direction="increase")
    g = 1.05**0.2 - 1  # 0.98% a year: between 0.5% and 1.5%
    assert a.progress_value == pytest.approx(g)
    assert a.status == pr.ACCELERATION and a.score == pytest.approx(250 * g - 1.25)
    down = pr.assess([2015, 2020], [100, 105], direction="decrease")
    assert down.status == pr.DETERIORATION and down.score == pytest.approx(max(-5, -125 * g - 2.5))
    assert pr.score_without_target(0.02) == pytest.approx(5) and pr.score_without_target(
        -0.02
    ) == pytest.approx(-5)
    assert pr.score_without_target(0.0) == pytest.approx(-2.5) and pr.score_without_target(
        0.015
    ) == pytest.approx(2.5)


def test_natural_limit_scales_the_thresholds() -> None:
    c = 1 - 0.9**4.44
    assert pr.limit_coefficient(90, 100) == pytest.approx(c)
    assert pr.limit_coefficient(110, 100) == pytest.approx(c)  # symmetric above a minimum limit
    assert pr.limit_coefficient(250, 100) == 1.0
    a = pr.assess([2015, 2020], [90, 92], direction="increase", limit=100)
    g = (92 / 90) ** 0.2 - 1  # 0.44% a year: limited without a limit, acceleration needed near it
    assert a.coefficient == pytest.approx(c) and 0.005 * c <= g < 0.015 * c
    assert a.status == pr.ACCELERATION and a.score == pytest.approx(250 * g / c - 1.25)
    assert pr.assess([2015, 2020], [90, 92], direction="increase").status == pr.LIMITED
    at_limit = pr.assess([2015, 2020], [100, 100], direction="increase", limit=100)
    assert at_limit.status == pr.ON_TRACK and at_limit.score == 5


def test_parity_transform_then_progress_towards_one() -> None:
    a = pr.assess([2015, 2020], [0.8, 0.9], direction="parity", target=1.0)
    # transformed 1.25 -> 1.1111, towards 1 by 2030
    observed = (1.25**-1 / 0.9) ** 0.2 - 1
    assert observed == pytest.approx((1 / 0.9 / 1.25) ** 0.2 - 1)
    required = 0.8 ** (1 / 15) - 1
    assert a.progress_value == pytest.approx(-observed / abs(required))
    assert a.status == pr.ON_TRACK and a.score == 5
    # A ratio above one counts like its reciprocal
    b = pr.assess([2015, 2020], [1.25, 1 / 0.9], direction="parity", target=1.0)
    assert b.progress_value == pytest.approx(a.progress_value)


def test_unsd_2022_cut_offs_differ_from_open_sdg() -> None:
    def at_ratio(r: float, method: str) -> pr.Assessment:
        # base 50 in 2015, target 100 in 2030; choose the 2020 value so that R = r
        required = 2 ** (1 / 15) - 1
        current = 50 * (1 + r * required) ** 5
        return pr.assess([2015, 2020], [50, current], direction="increase", target=100, method=method)  # type: ignore[arg-type]

    assert at_ratio(0.55, "unsd-2022").status == pr.ACCELERATION
    assert at_ratio(0.55, "open-sdg").status == pr.LIMITED
    assert at_ratio(-0.05, "unsd-2022").status == pr.LIMITED
    assert at_ratio(-0.05, "open-sdg").status == pr.DETERIORATION
    assert at_ratio(-0.2, "unsd-2022").status == pr.DETERIORATION
    assert at_ratio(0.55, "unsd-2022").score is None
    assert pr.assess([2015, 2020], [1, 2], direction="increase", method="unsd-2022").status == pr.NOT_ASSESSED


def test_not_assessed_with_too_few_points_and_the_base_year_rule() -> None:
    one = pr.assess([2014, 2019], [10, 20], direction="increase")
    assert one.status == pr.NOT_ASSESSED and "at least two years" in one.reason
    later = pr.assess([2014, 2017, 2021], [10, 20, 30], direction="increase")
    assert later.base_year == 2017  # first year with data after 2015


def test_assess_all_roll_up_and_ranked_list() -> None:
    values = pl.DataFrame(
        {
            "economy": ["WLD"] * 4 + ["LDC"] * 4,
            "indicator": ["i99H", "i99H", "xHH6", "xHH6"] * 2,
            "period": [2015, 2022] * 4,
            "value": [40.0, 66.0, 50.0, 60.0, 10.0, 12.0, 30.0, 28.0],
        }
    )
    specs = [
        pr.ProgressSpec(
            "BB3-world", "i99H", "WLD", "increase", target=75, target_year=2025, goal="BBC", group="BB3"
        ),
        pr.ProgressSpec("HH-world", "xHH6", "WLD", "increase", goal="BBC", group="HH"),
        pr.ProgressSpec(
            "BB3-ldc", "i99H", "LDC", "increase", target=35, target_year=2025, goal="BBC", group="BB3"
        ),
        pr.ProgressSpec("HH-ldc", "xHH6", "LDC", "increase", goal="BBC", group="HH"),
    ]
    assessed, prov = pr.assess_all(values, specs, releases=["itu-2025"])
    assert prov.method == "progress/open-sdg" and prov.inputs == ("itu-2025",)
    status = dict(zip(assessed["code"], assessed["status"], strict=True))
    assert status["HH-ldc"] == pr.DETERIORATION
    ranked = pr.needing_improvement(assessed)
    assert ranked["code"][0] == "HH-ldc" and ranked["rank"][0] == 1
    assert set(ranked["code"]) <= {"BB3-ldc", "HH-ldc", "HH-world", "BB3-world"}
    by_target = pr.roll_up(assessed, "group")
    bb3 = by_target.filter(pl.col("group") == "BB3").row(0, named=True)
    expected = assessed.filter(pl.col("group") == "BB3")["score"].mean()
    assert bb3["score"] == pytest.approx(expected)
    assert bb3["status"] == pr.status_from_score(bb3["score"])
    goal = pr.roll_up(assessed, "goal").row(0, named=True)
    assert goal["score"] == pytest.approx(assessed["score"].mean())


def test_all_items_achieved_rolls_up_as_achieved() -> None:
    frame = pl.DataFrame({"group": ["T", "T"], "score": [5.0, 5.0], "status": [pr.TARGET_ACHIEVED] * 2})
    assert pr.roll_up(frame, "group")["status"][0] == pr.TARGET_ACHIEVED


def test_spec_from_a_reference_target() -> None:
    target = SimpleNamespace(
        code="BBC2025-3a",
        indicator="i99H",
        threshold=75.0,
        direction="at_least",
        base_year=None,
        target_year=2025,
        group="WLD",
        framework="BBC2025",
    )
    spec = pr.spec_from_target(target)
    assert spec is not None and spec.direction == "increase" and spec.target == 75 and spec.economy == "WLD"
    assert pr.spec_from_target(SimpleNamespace(indicator=None, threshold=None)) is None
    assert math.isclose(spec.base_year, 2015)


def test_parity_target_on_the_women_men_series() -> None:
    # Kenya, Internet use: women 40 -> 41, men 50 -> 50 (2022 -> 2024); totals also present, and ignored.
    rows = [
        ("KEN", "i99H", 2022, "F", 40.0),
        ("KEN", "i99H", 2022, "M", 50.0),
        ("KEN", "i99H", 2024, "F", 41.0),
        ("KEN", "i99H", 2024, "M", 50.0),
        ("KEN", "i99H", 2022, "_T", 45.0),
        ("KEN", "i99H", 2024, "_T", 45.5),
        ("KEN", "i99H", 2023, "F", 40.5),  # no men's figure that year: no ratio
    ]
    values = pl.DataFrame(rows, schema=["economy", "indicator", "period", "sex", "value"], orient="row")
    ratios = pr.parity_ratios(values)
    assert ratios["period"].to_list() == [2022, 2024]
    assert ratios["value"].to_list() == pytest.approx([0.8, 0.82])
    specs = [
        pr.ProgressSpec("GENDER", "i99H", "KEN", "parity", target=1.0, base_year=2022, target_year=2030),
        pr.ProgressSpec("USE", "i99H", "KEN", "increase", target=100.0, base_year=2022, target_year=2030),
    ]
    assessed, _ = pr.assess_all(values, specs)
    gender = assessed.filter(pl.col("code") == "GENDER").row(0, named=True)
    # max(y, 1/y): 1.25 -> 1/0.82 = 1.219512; observed CAGR over 2 years, required from 1.25 to 1 over 8
    observed = (1.219512195 / 1.25) ** 0.5 - 1  # -1.2270%
    required = (1 / 1.25) ** (1 / 8) - 1  # -2.7513%
    ratio = -observed / abs(required)  # direction down: 0.4460
    assert gender["progress_value"] == pytest.approx(ratio, abs=1e-6)
    assert gender["progress_value"] == pytest.approx(0.44598, abs=1e-4)
    assert gender["status"] == pr.LIMITED and gender["score"] == pytest.approx((ratio - 0.6) * 5 / 1.2)
    assert gender["base_value"] == pytest.approx(1.25) and gender["target"] == 1.0
    total = assessed.filter(pl.col("code") == "USE").row(0, named=True)
    assert (total["base_value"], total["current_value"]) == (45.0, 45.5)  # the totals, not F or M


def test_parity_needs_figures_by_sex() -> None:
    with pytest.raises(pr.MeasureInputError, match="no 'sex' column"):
        pr.parity_ratios(pl.DataFrame({"economy": ["A"], "indicator": ["x"], "period": [1], "value": [1.0]}))
    twice = pl.DataFrame(
        {
            "economy": ["A", "A"],
            "indicator": ["x", "x"],
            "period": [1, 1],
            "sex": ["F", "F"],
            "value": [1.0, 2.0],
        }
    )
    with pytest.raises(pr.MeasureInputError, match="two women's figures"):
        pr.parity_ratios(twice)
