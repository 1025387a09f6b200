"""Divides: parity bands, gaps, people behind, group comparisons; inequality measures; convergence."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from wsis.engine.measure import inequality as ineq
from wsis.engine.measure.aggregates import aggregate
from wsis.engine.measure.backend import Backend
from wsis.engine.measure.convergence import beta_convergence, sigma_convergence
from wsis.engine.measure.divides import (
    ITU_BANDS,
    UNESCO_BANDS,
    compare_groups,
    complement_group,
    divides,
    gender_parity,
    parity_score,
    urban_rural,
)
from wsis.engine.measure.memberships import check_memberships, members_on


@pytest.mark.parametrize(
    ("score", "itu", "unesco"),
    [
        (1.00, "parity", "parity"),
        (0.98, "parity", "parity"),
        (0.975, "almost parity", "parity"),
        (0.96, "almost parity", "disparity (disadvantaged behind)"),
        (0.95, "almost parity", "disparity (disadvantaged behind)"),
        (0.92, "disparity (disadvantaged behind)", "disparity (disadvantaged behind)"),
        (1.025, "disparity (reversed)", "parity"),
        (1.04, "disparity (reversed)", "disparity (reversed)"),
    ],
)
def test_itu_and_unesco_bands_are_separate(score: float, itu: str, unesco: str) -> None:
    assert ITU_BANDS.classify(score) == itu
    assert UNESCO_BANDS.classify(score) == unesco


def test_gender_parity_gap_and_women_behind() -> None:
    frame = pl.DataFrame(
        {
            "economy": ["AAA", "BBB"],
            "women": [46.0, 70.0],
            "men": [50.0, 70.0],
            "women_pop": [1_000_000.0, 500_000.0],
        }
    )
    out = gender_parity(frame, women_population="women_pop")
    a = out.row(0, named=True)
    assert a["ratio"] == pytest.approx(0.92)  # 46 / 50
    assert a["band"] == "disparity (disadvantaged behind)"
    assert a["gap_pp"] == pytest.approx(4.0)
    assert a["people_behind"] == pytest.approx(40_000)  # 4% of a million women
    b = out.row(1, named=True)
    assert b["ratio"] == 1.0 and b["band"] == "parity" and b["people_behind"] == 0
    assert parity_score(46, 50) == pytest.approx(0.92)
    with pytest.raises(ValueError):
        parity_score(1, 0)


def test_urban_rural_ratio_and_unesco_option() -> None:
    frame = pl.DataFrame({"urban": [83.0], "rural": [48.0], "rural_pop": [3.4e9]})
    out = urban_rural(frame, rural_population="rural_pop").row(0, named=True)
    assert out["ratio"] == pytest.approx(48 / 83) and out["gap_pp"] == pytest.approx(35.0)
    assert out["people_behind"] == pytest.approx(0.35 * 3.4e9)
    near = divides(
        pl.DataFrame({"a": [100.0], "d": [97.5]}), disadvantaged="d", advantaged="a", bands="unesco"
    )
    assert near["band"][0] == "parity"


def test_compare_groups_and_the_rest_of_the_world() -> None:
    on = dt.date(2022, 7, 1)
    mem = check_memberships(
        pl.DataFrame(
            {
                "group": ["WLD"] * 3 + ["LDC"],
                "economy": ["AAA", "BBB", "CCC", "CCC"],
                "valid_from": "2000-01-01",
            }
        )
    )
    mem = complement_group(mem, "LDC", "WLD", on)
    assert members_on(mem, "WLD_NOT_LDC", on) == ["AAA", "BBB"]
    assert members_on(mem, "WLD_NOT_LDC", dt.date(2023, 7, 1)) == []
    values = pl.DataFrame(
        {"economy": ["AAA", "BBB", "CCC"], "indicator": "i99H", "period": 2022, "value": [90.0, 70.0, 20.0]}
    )
    pop = pl.DataFrame({"economy": ["AAA", "BBB", "CCC"], "period": 2022, "value": [1.0, 1.0, 2.0]})
    aggs = [
        aggregate(values, indicator="i99H", group=g, period=2022, memberships=mem, weights=pop)
        for g in ("WLD", "LDC", "WLD_NOT_LDC")
    ]
    table = compare_groups(aggs, reference="WLD_NOT_LDC")
    ldc = table.filter(pl.col("group") == "LDC").row(0, named=True)
    # LDC 20 against the rest (90 + 70) / 2 = 80: ratio 0.25, gap 60 points. World (90 + 70 + 40) / 4 = 50.
    assert ldc["ratio"] == pytest.approx(0.25) and ldc["gap_pp"] == pytest.approx(60.0)
    assert table.filter(pl.col("group") == "WLD")["value"][0] == pytest.approx(50.0)


def test_gini_theil_cv_hand_computed() -> None:
    # Two equal groups with rates 1 and 3: mean 2.
    assert ineq.gini([1, 3]) == pytest.approx(0.25)
    assert ineq.theil_t([1, 3]) == pytest.approx(0.5 * 0.5 * math.log(0.5) + 0.5 * 1.5 * math.log(1.5))
    assert ineq.theil_t([1, 3]) == pytest.approx(0.130812, abs=1e-6)
    assert ineq.theil_l([1, 3]) == pytest.approx(0.143841, abs=1e-6)
    assert ineq.coefficient_of_variation([1, 3]) == pytest.approx(0.5)
    assert ineq.gini([5, 5, 5]) == 0 and ineq.theil_t([5, 5]) == pytest.approx(0)
    with pytest.raises(ValueError, match="Theil L"):
        ineq.theil_l([0, 2])


def test_population_weights_equal_repeating_the_people() -> None:
    # Weights 3 and 1 behave like the values 1, 1, 1, 3 with equal weights.
    for f in (ineq.gini, ineq.theil_t, ineq.theil_l, ineq.coefficient_of_variation):
        assert f([1, 3], [3, 1]) == pytest.approx(f([1, 1, 1, 3]))
    assert ineq.gini([1, 3], [3, 1]) == pytest.approx(0.25)  # 12 / (2 x 16 x 1.5)


def test_every_measure_for_many_partitions_in_one_query(backend: Backend | None) -> None:
    frame = pl.DataFrame(
        {
            "case": ["two", "two", "flat", "flat", "flat", "weighted", "weighted", "zero", "zero"]
            + ["repeated"] * 4,
            "value": [1.0, 3.0, 5.0, 5.0, 5.0, 1.0, 3.0, 0.0, 2.0, 1.0, 1.0, 1.0, 3.0],
            "weight": [1.0, 1.0, 1.0, 1.0, 1.0, 3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        }
    )
    table = ineq.inequality_table(frame, by=["case"], backend=backend)
    got = {r["case"]: r for r in table.to_dicts()}
    assert table["case"].to_list() == ["flat", "repeated", "two", "weighted", "zero"]
    two = got["two"]  # hand-computed above: mean 2
    assert two["n"] == 2 and [two["mean"], two["gini"], two["cv"]] == pytest.approx([2.0, 0.25, 0.5])
    assert two["theil_t"] == pytest.approx(0.130812, abs=1e-6)
    assert two["theil_l"] == pytest.approx(0.143841, abs=1e-6)
    assert got["flat"]["gini"] == 0 and got["flat"]["theil_t"] == pytest.approx(0)
    for measure in ("mean", "gini", "theil_t", "theil_l", "cv"):  # weights 3 and 1 = repeating people
        assert got["weighted"][measure] == pytest.approx(got["repeated"][measure])
    # 0 and 2: Gini 1/2, Theil T = ln 2 (0 ln 0 = 0), Theil L undefined
    assert got["zero"]["gini"] == pytest.approx(0.5) and got["zero"]["theil_t"] == pytest.approx(math.log(2))
    assert got["zero"]["theil_l"] is None


def test_theil_decomposition_hand_computed(backend: Backend | None) -> None:
    d = ineq.theil_decomposition([1, 3, 4], None, ["a", "a", "b"], measure="L", backend=backend)
    # mean 8/3; group a: mean 2, L_a = 0.143841; group b: L_b = 0
    assert d.between == pytest.approx(2 / 3 * math.log(4 / 3) + 1 / 3 * math.log(2 / 3))
    assert d.within == pytest.approx(2 / 3 * 0.1438410362)
    assert d.total == pytest.approx(0.152527, abs=1e-6)
    assert d.groups == {"a": pytest.approx(0.1438410362), "b": pytest.approx(0.0)}
    assert d.within + d.between == pytest.approx(d.total)
    rng = np.random.default_rng(1)
    x, w = rng.uniform(1, 90, 40), rng.uniform(1, 100, 40)
    labels = [str(i % 4) for i in range(40)]
    t = ineq.theil_decomposition(x, w, labels, measure="T", backend=backend)
    assert t.within + t.between == pytest.approx(t.total)
    assert t.total == pytest.approx(ineq.theil_t(x, w))  # the default backend's one-number function
    # T within: sum over groups of (their share of the total) x (their own T)
    share = {g: sum(wi * xi for wi, xi, li in zip(w, x, labels, strict=True) if li == g) for g in "0123"}
    assert t.within == pytest.approx(sum(share[g] / sum(share.values()) * t.groups[g] for g in "0123"))


def test_sigma_convergence_hand_computed() -> None:
    frame = pl.DataFrame(
        {
            "economy": ["A", "B"] * 3,
            "period": [2000, 2000, 2001, 2001, 2002, 2002],
            "value": [10.0, 30.0, 15.0, 25.0, 20.0, 20.0],
        }
    )
    sigma = sigma_convergence(frame)
    assert sigma.dispersion["dispersion"].to_list() == pytest.approx([0.5, 0.25, 0.0])
    assert sigma.trend.slope == pytest.approx(-0.25) and sigma.converging


def test_beta_convergence_hand_computed() -> None:
    # ln y0 = 0, 1, 2; one year later ln y1 = 1, 1.5, 2: growth 1, 0.5, 0 -> beta -0.5, intercept 1.
    frame = pl.DataFrame(
        {
            "economy": ["A", "B", "C"] * 2,
            "period": [2000] * 3 + [2001] * 3,
            "value": [1.0, math.e, math.e**2, math.e, math.e**1.5, math.e**2],
        }
    )
    beta = beta_convergence(frame, 2000, 2001)
    assert beta.beta == pytest.approx(-0.5) and beta.intercept == pytest.approx(1.0)
    assert beta.r_squared == pytest.approx(1.0) and beta.converging
    assert beta.speed == pytest.approx(math.log(2))
