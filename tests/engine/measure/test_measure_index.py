"""Composite indices: the IDI 2024 methodology file, published scores, node consistency, data rules,
other aggregation options, structure against ITU's recorded API response, and the uncertainty analysis."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from measure_fixtures import IDI_CODES, PUBLISHED, assert_reproduces_published

from wsis.engine.measure.index import MethodologyError, load_methodology, score
from wsis.engine.measure.index.rounding import input_rounding_bounds
from wsis.engine.measure.index.scoring import leaf_scores, round_half_up
from wsis.engine.measure.index.uncertainty import MonteCarlo, uncertainty
from wsis.engine.measure.memberships import check_memberships
from wsis.engine.measure.tidy import MeasureInputError

IDI = load_methodology("idi-2024")


def leaf(code: str):  # noqa: ANN201 - a Node
    return IDI.node(code)


def test_leaf_scores_hand_computed() -> None:
    assert leaf_scores(np.array([47.5, 95.0, 120.0]), leaf("i99H")) == pytest.approx([50.0, 100.0, 100.0])
    # ln(x+1) on value and goalpost: ln(100) / ln(10001) is one half (to 5e-5)
    assert leaf_scores(np.array([99.0]), leaf("i135tfb_subs_IDI"))[0] == pytest.approx(50.0, abs=1e-3)
    # reversed: (21.33 - 11.165) / (21.33 - 1) = 0.5; below the goalpost 100; above the threshold 0
    got = leaf_scores(np.array([11.165, 0.5, 30.0, np.nan]), leaf("i271mb_high_ts_GNI_IDI"))
    assert got[:3] == pytest.approx([50.0, 100.0, 0.0]) and math.isnan(got[3])
    assert leaf_scores(np.array([16.65]), leaf("i154_FBB_ts_GNI_IDI"))[0] == pytest.approx(100 * 16.65 / 32.3)


def test_reproduces_published_idi_2024(idi_values: pl.DataFrame) -> None:
    result = score(idi_values, IDI)
    got = {r["economy"]: r for r in result.scores.iter_rows(named=True)}
    assert_reproduces_published(got)
    # ITU rounds indicator scores to one decimal before aggregating: Finland's M is 96.95 (published 97.0),
    # 96.937 without that rounding
    assert got["FIN"]["M"] == pytest.approx(96.95)
    assert result.provenance.method == "idi-2024" and result.provenance.method_version == "3.1"
    assert result.provenance.code_version


def test_itu_stores_one_decimal_indicator_scores(shared: Path) -> None:
    # The recorded DataHub scores of a region are means over 18 members of one-decimal member scores: each
    # times 18 is a multiple of 0.1 (56.3555... x 18 = 1014.4). That is why the methodology rounds.
    recorded = json.loads((shared / "itu-datahub-api" / "itu-get-idi-by-region.json").read_text())
    assert recorded
    for row in recorded:
        tenths = row["score"] * 18 * 10
        assert tenths == pytest.approx(round(tenths), abs=1e-6), row
    assert IDI.score_decimals == 1
    assert round_half_up(np.array([98.15, 98.149, 62.067, np.nan]), 1)[:3] == pytest.approx(
        [98.2, 98.1, 62.1]
    )


def _published_interval(value: float) -> tuple[float, float]:
    return value - 0.05, value + 0.05  # a score printed to one decimal


def test_rwanda_gap_is_input_rounding(idi_values: pl.DataFrame) -> None:
    # Each printed input x.y is any value in [x.y - 0.05, x.y + 0.05]; the bounds are exact (monotone scores)
    bounds = input_rounding_bounds(idi_values, IDI, 0.05)
    rows = {(r["economy"], r["node"]): r for r in bounds.iter_rows(named=True)}
    for economy, (_, published) in PUBLISHED.items():
        for node, value in zip(("U", "M", "IDI"), published, strict=True):
            r = rows[(economy, node)]
            lo, hi = _published_interval(value)
            assert r["low"] <= r["score"] <= r["high"]
            assert r["low"] <= hi and r["high"] >= lo, (
                f"{economy} {node}: [{r['low']}, {r['high']}] vs {value}"
            )
    # Rwanda: printed inputs give U 33.133 and M 60.567 (0.067 from the published 33.2 and 60.5) but inputs
    # 34.45, 21.95 and 60.15 give U 33.167, which prints 33.2; hand-computed with one-decimal scores:
    # (36.3 + 23.1 + 40.1) / 3
    assert rows[("RWA", "U")]["score"] == pytest.approx((36.2 + 23.1 + 40.1) / 3)
    assert rows[("RWA", "U")]["high"] == pytest.approx((36.3 + 23.1 + 40.1) / 3)
    assert rows[("RWA", "M")]["low"] == pytest.approx(60.5)  # M printed 60.5 is reachable


def test_finland_gap_is_not_input_rounding(idi_values: pl.DataFrame) -> None:
    # Without ITU's rounding of indicator scores, no input compatible with Finland's printed values gives
    # its published M of 97.0: the interval stops below 96.95.
    unrounded = IDI.model_copy(update={"score_decimals": None})
    bounds = input_rounding_bounds(idi_values, unrounded, 0.05)
    fin_m = bounds.filter((pl.col("economy") == "FIN") & (pl.col("node") == "M")).row(0, named=True)
    assert fin_m["high"] < 96.95
    with pytest.raises(MeasureInputError, match="fixed goalposts; not fixed at: i99H"):
        minmax = IDI.root.model_copy(
            update={
                "children": (
                    IDI.node("U").model_copy(
                        update={
                            "children": (IDI.node("i99H").model_copy(update={"normalisation": "minmax"}),)
                        }
                    ),
                )
            }
        )
        input_rounding_bounds(idi_values, IDI.model_copy(update={"root": minmax}))


def test_node_scores_are_consistent(idi_values: pl.DataFrame) -> None:
    result = score(idi_values, IDI)
    for r in result.scores.iter_rows(named=True):
        assert r["U"] == pytest.approx((r["i99H"] + r["xHH6_IDI"] + r["i911mw_IDI"]) / 3)
        assert r["Coverage"] == pytest.approx(0.4 * r["i271G_IDI"] + 0.6 * r["i271GA_IDI"])
        six = [
            "Coverage",
            "i136mwi_subs_IDI",
            "i135tfb_subs_IDI",
            "i271mb_high_ts_GNI_IDI",
            "i154_FBB_ts_GNI_IDI",
            "xHH18_IDI",
        ]
        assert r["M"] == pytest.approx(sum(r[c] for c in six) / 6)
        assert r["IDI"] == pytest.approx((r["U"] + r["M"]) / 2)
    members = check_memberships(
        pl.DataFrame(
            {
                "group": ["ALL"] * 4 + ["AFR"] * 2,
                "economy": ["FIN", "BRA", "KEN", "RWA", "KEN", "RWA"],
                "valid_from": "2000-01-01",
            }
        )
    )
    means = result.group_means(members, ["ALL", "AFR"])
    afr = means.filter(pl.col("group") == "AFR").row(0, named=True)
    both = result.scores.filter(pl.col("economy").is_in(["KEN", "RWA"]))
    for node in ("IDI", "U", "M", "Coverage", "i99H"):
        assert afr[node] == pytest.approx(both[node].mean())
    assert means.filter(pl.col("group") == "ALL")["IDI"][0] == pytest.approx(result.scores["IDI"].mean())
    assert result.ranks()["economy"].to_list() == ["FIN", "BRA", "KEN", "RWA"]


def test_missing_indicator_reweights_the_node(idi_values: pl.DataFrame) -> None:
    without = idi_values.filter(~((pl.col("economy") == "KEN") & (pl.col("indicator") == "xHH6_IDI")))
    r = score(without, IDI).scores.filter(pl.col("economy") == "KEN").row(0, named=True)
    assert r["xHH6_IDI"] is None
    # one-decimal scores: 40.8 / 95 -> 42.9; 59.0 / 150 -> 39.3
    assert r["U"] == pytest.approx((42.9 + 39.3) / 2)
    filled = score(without, IDI, missing="zero").scores.filter(pl.col("economy") == "KEN").row(0, named=True)
    assert filled["U"] == pytest.approx((42.9 + 0 + 39.3) / 3)


def test_reference_year_fallback_and_the_five_of_ten_rule() -> None:
    rows = [
        # i99H: official 2022 wins over an estimate of 2022 being absent and official 2021
        ("AAA", "i99H", 2022, 50.0, "reported"),
        ("AAA", "i99H", 2021, 40.0, "reported"),
        # xHH6: 2022 only an estimate, official 2021 -> official 2021 (t-3) comes before estimates
        ("AAA", "xHH6_IDI", 2022, 60.0, "estimate"),
        ("AAA", "xHH6_IDI", 2021, 57.0, "reported"),
        # i911mw: estimates only -> the 2022 estimate
        ("AAA", "i911mw_IDI", 2022, 75.0, "estimate"),
        ("AAA", "i911mw_IDI", 2021, 70.0, "estimate"),
        # 2023 (t-1) and 2019 (t-5) are outside the reference years
        ("AAA", "i271G_IDI", 2023, 90.0, "reported"),
        ("AAA", "i271GA_IDI", 2019, 80.0, "reported"),
        ("AAA", "xHH18_IDI", 2022, 95.0, "reported"),
        ("AAA", "i136mwi_subs_IDI", 2022, 10.0, "reported"),
        ("AAA", "i135tfb_subs_IDI", 2021, 100.0, "reported"),
        # BBB: four official figures and six estimates -> not scored
        *[("BBB", c, 2022, 50.0, "reported" if i < 4 else "ITU estimate.") for i, c in enumerate(IDI_CODES)],
    ]
    values = pl.DataFrame(rows, schema=["economy", "indicator", "period", "value", "nature"], orient="row")
    result = score(values, IDI)
    used = {r["indicator"]: r for r in result.inputs.iter_rows(named=True)}
    assert (used["i99H"]["period"], used["i99H"]["value"]) == (2022, 50.0)
    assert (used["xHH6_IDI"]["period"], used["xHH6_IDI"]["official"]) == (2021, True)
    assert (used["i911mw_IDI"]["period"], used["i911mw_IDI"]["official"]) == (2022, False)
    assert "i271G_IDI" not in used and "i271GA_IDI" not in used
    # AAA: five official figures (i99H, xHH6, xHH18 and the two traffic series) -> scored
    assert result.scores["economy"].to_list() == ["AAA"]
    assert result.excluded.row(0, named=True)["economy"] == "BBB"
    assert "4 of 10" in result.excluded["reason"][0]
    # 50 / 95 -> 52.6 (one decimal), 57 / 95 -> 60.0, 75 / 150 -> 50.0
    assert result.scores["U"][0] == pytest.approx((52.6 + 60.0 + 50.0) / 3)


def test_methodology_options_geometric_minmax_winsorise_and_errors(tmp_path: Path) -> None:
    text = """
name: toy
version: "1"
title: Toy index
source: test
edition: 2024
data: {reference_offsets: [0]}
root:
  code: T
  aggregation: geometric
  children:
    - {code: a, indicator: a, normalisation: minmax}
    - {code: b, indicator: b, threshold: 0, goalpost: 100, weight: 3}
    - {code: c, indicator: c, threshold: 0, goalpost: 100, winsorise: {lower: 0, upper: 50}, cap: false}
"""
    path = tmp_path / "toy.yaml"
    path.write_text(text)
    toy = load_methodology(path)
    values = pl.DataFrame(
        {
            "economy": ["X", "Y", "Z"] * 3,
            "indicator": ["a"] * 3 + ["b"] * 3 + ["c"] * 3,
            "period": 2024,
            "value": [1.0, 3.0, 2.0, 25.0, 100.0, 64.0, 10.0, 20.0, 400.0],
        }
    )
    s = {r["economy"]: r for r in score(values, toy).scores.iter_rows(named=True)}
    assert [s[e]["a"] for e in "XYZ"] == pytest.approx([0.0, 100.0, 50.0])  # min-max over economies
    assert [s[e]["c"] for e in "XYZ"] == pytest.approx([10.0, 20.0, 20.0])  # clipped at the median 20
    # geometric mean with weights 1, 3, 1: Z = 50^(1/5) * 64^(3/5) * 20^(1/5); X has a zero -> 0
    assert s["Z"]["T"] == pytest.approx(50**0.2 * 64**0.6 * 20**0.2)
    assert s["X"]["T"] == 0.0
    path.write_text(text.replace("threshold: 0, goalpost: 100, weight: 3", "threshold: 100, goalpost: 0"))
    with pytest.raises(MethodologyError, match="toy.yaml.*node b: direction 'higher' but goalpost 0"):
        load_methodology(path)
    path.write_text(text.replace("{code: a, indicator: a, normalisation: minmax}", "{code: a}"))
    with pytest.raises(MethodologyError, match="node a: a leaf needs an indicator"):
        load_methodology(path)
    with pytest.raises(MethodologyError, match="no methodology named 'idi-1999'"):
        load_methodology("idi-1999")


def _itu_tree(node: dict) -> dict:
    return {node["code"]: [_itu_tree(c) for c in node.get("children", [])]}


def _our_tree(node) -> dict:  # noqa: ANN001
    return {node.code: [_our_tree(c) for c in node.children]}


def test_tree_matches_itu_idi_structure(shared: Path) -> None:
    recorded = json.loads(
        (shared / "itu-datahub-api" / "itu-get-idi-structure.json").read_text(encoding="utf-8")
    )
    assert len(recorded) == 1
    assert _our_tree(IDI.root) == _itu_tree(recorded[0])
    labels = {n["code"]: n.get("label") for n in _walk(recorded[0])}
    assert all(labels[leaf.code] for leaf in IDI.root.leaves())


def _walk(node: dict):  # noqa: ANN202
    yield node
    for child in node.get("children", []):
        yield from _walk(child)


def test_sensitivity_prints_rank_intervals(
    idi_values: pl.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    # Four published economies plus two made close to Kenya, so that choices can swap their ranks.
    extra = []
    for name, shift in (("KE1", 1.5), ("KE2", -1.5)):
        ken = idi_values.filter(pl.col("economy") == "KEN").with_columns(pl.lit(name).alias("economy"))
        extra.append(
            ken.with_columns(
                pl.when(pl.col("indicator") == "i99H")
                .then(pl.col("value") + 4 * shift)
                .when(pl.col("indicator") == "i154_FBB_ts_GNI_IDI")
                .then(pl.col("value") + 3 * shift)
                .otherwise(pl.col("value"))
                .alias("value")
            )
        )
    values = pl.concat([idi_values, *extra])
    # KE2 lacks its phone-ownership figure: the imputation choice matters for it
    values = values.filter(~((pl.col("economy") == "KE2") & (pl.col("indicator") == "xHH18_IDI")))
    settings = MonteCarlo(runs=150, seed=7)
    result = uncertainty(values, IDI, settings=settings)
    print(result.table())
    print(result.sensitivity)
    out = capsys.readouterr().out
    assert "5%-95% rank interval" in out and "FIN" in out
    iv = result.intervals
    assert (iv["rank_p05"] <= iv["rank"]).all() and (iv["rank"] <= iv["rank_p95"]).all()
    assert iv.filter(pl.col("economy") == "FIN")["rank_p95"][0] == 1  # far ahead: always first
    kenyas = iv.filter(pl.col("economy").is_in(["KEN", "KE1", "KE2"]))
    assert (kenyas["rank_p95"] - kenyas["rank_p05"]).max() >= 1  # close scores: ranks move
    assert set(result.sensitivity["factor"]) == {"goalposts", "weights", "imputation"}
    again = uncertainty(values, IDI, settings=settings, sensitivity=False)
    assert again.intervals.equals(result.intervals)  # seeded: reproducible
