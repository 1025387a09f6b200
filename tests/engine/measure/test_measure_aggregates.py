"""Group aggregates: hand-computed weighted means, imputation methods, coverage, membership dates."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from wsis.engine.measure.aggregates import CoverageError, aggregate, aggregate_table
from wsis.engine.measure.imputation import GroupFallback, NearestYear, Trend
from wsis.engine.measure.memberships import check_memberships, members_on, memberships_frame, period_date
from wsis.engine.measure.tidy import MeasureInputError, check_tidy


def tidy(rows: list[tuple[str, int, float]], nature: list[str] | None = None) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "economy": [r[0] for r in rows],
            "indicator": ["i99H"] * len(rows),
            "period": [r[1] for r in rows],
            "value": [r[2] for r in rows],
        }
    )
    if nature is not None:
        frame = frame.with_columns(pl.Series("nature", nature))
    return check_tidy(frame)


def weights(pop: dict[str, float], period: int = 2022) -> pl.DataFrame:
    return pl.DataFrame({"economy": list(pop), "period": [period] * len(pop), "value": list(pop.values())})


def group(name: str, economies: list[str], since: str = "2000-01-01") -> pl.DataFrame:
    return check_memberships(pl.DataFrame({"group": name, "economy": economies, "valid_from": since}))


# A and B report for 2022; C reported 30 in 2021 and 50 in 2023; populations 100, 300, 100.
VALUES = tidy([("AAA", 2022, 50.0), ("BBB", 2022, 10.0), ("CCC", 2021, 30.0), ("CCC", 2023, 50.0)])
POP = weights({"AAA": 100, "BBB": 300, "CCC": 100})
GRP = group("G", ["AAA", "BBB", "CCC"])


def run(**kw: object) -> object:
    base = {"indicator": "i99H", "group": "G", "period": 2022, "memberships": GRP, "weights": POP}
    base.update(kw)
    return aggregate(VALUES, **base)  # type: ignore[arg-type]


def test_population_weighted_mean_with_nearest_year_prefers_the_earlier_year_on_a_tie() -> None:
    result = run(imputation=[NearestYear(within=1)])
    # C: 2021 and 2023 are both one year away -> 30 (carried forward). (50*100 + 10*300 + 30*100) / 500
    assert result.value == pytest.approx(22.0)
    assert result.reported_share == pytest.approx(0.8)
    assert result.imputed_share == pytest.approx(0.2)
    assert result.missing_share == 0
    row = result.detail.filter(pl.col("economy") == "CCC").row(0, named=True)
    assert row["source"] == "imputed:nearest" and row["source_period"] == 2021


def test_trend_interpolates_between_the_two_closest_years() -> None:
    result = run(imputation=[Trend(within=2)])
    # C: halfway between 30 and 50 -> 40. (5000 + 3000 + 4000) / 500
    assert result.value == pytest.approx(24.0)


def test_trend_extrapolates_one_side_and_clips_to_bounds() -> None:
    values = tidy([("AAA", 2022, 50.0), ("CCC", 2019, 20.0), ("CCC", 2020, 24.0)])
    g = group("G", ["AAA", "CCC"])
    pop = weights({"AAA": 1, "CCC": 1})
    result = aggregate(
        values,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=g,
        weights=pop,
        imputation=[Trend(within=5)],
    )
    # C: 4 points a year from 24 in 2020 -> 32 in 2022; mean of 50 and 32
    assert result.value == pytest.approx(41.0)
    values = tidy([("AAA", 2022, 50.0), ("CCC", 2019, 90.0), ("CCC", 2020, 98.0)])
    clipped = aggregate(
        values,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=g,
        weights=pop,
        imputation=[Trend(within=5, bounds=(0, 100))],
    )
    assert clipped.value == pytest.approx(75.0)  # C: 114 clipped to 100


def test_group_fallback_uses_the_fallback_group_or_else_the_aggregate() -> None:
    # Without fallback groups: C gets the weighted mean of reported members, (5000 + 3000) / 400 = 20.
    assert run(imputation=[GroupFallback()]).value == pytest.approx(20.0)
    # With regions: C shares region R1 with A (50) -> (5000 + 3000 + 5000) / 500 = 26.
    regions = check_memberships(
        pl.DataFrame(
            {"group": ["R1", "R2", "R1"], "economy": ["AAA", "BBB", "CCC"], "valid_from": "2000-01-01"}
        )
    )
    assert run(imputation=[GroupFallback(regions)]).value == pytest.approx(26.0)


def test_methods_chain_in_order() -> None:
    # Nearest within 0 years finds nothing, so the trend fills C.
    assert run(imputation=[NearestYear(within=0), Trend(within=2)]).value == pytest.approx(24.0)


def test_below_minimum_coverage_is_refused_with_a_clear_message() -> None:
    pop = weights({"AAA": 100, "BBB": 300, "CCC": 100, "DDD": 600})
    g = group("G", ["AAA", "BBB", "CCC", "DDD"])
    result = aggregate(
        VALUES,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=g,
        weights=pop,
        imputation=[NearestYear(1)],
        min_coverage=0.5,
    )
    assert result.value is None and result.status == "refused"
    # Reported: 400 of 1100 people = 36.4%; C imputed 100 = 9.1%; D missing 600 = 54.5%.
    assert "cover 36.4%" in result.message and "minimum coverage of 50%" in result.message
    assert result.imputed_share == pytest.approx(100 / 1100)
    assert result.missing_share == pytest.approx(600 / 1100)
    with pytest.raises(CoverageError, match="refused"):
        aggregate(
            VALUES,
            indicator="i99H",
            group="G",
            period=2022,
            memberships=g,
            weights=pop,
            imputation=[NearestYear(1)],
            strict=True,
        )
    ok = aggregate(
        VALUES,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=g,
        weights=pop,
        imputation=[NearestYear(1)],
        min_coverage=0.3,
    )
    assert ok.status == "ok" and ok.value == pytest.approx(22.0)  # D has no figure and drops out


def test_publisher_estimates_count_as_imputed_and_optionally_not_as_coverage() -> None:
    values = tidy([("AAA", 2022, 50.0), ("BBB", 2022, 10.0)], nature=["reported", "ITU estimate."])
    g = group("G", ["AAA", "BBB"])
    pop = weights({"AAA": 100, "BBB": 300})
    result = aggregate(values, indicator="i99H", group="G", period=2022, memberships=g, weights=pop)
    assert result.value == pytest.approx(20.0)
    assert result.estimate_share == pytest.approx(0.75) and result.imputed_share == pytest.approx(0.75)
    strict = aggregate(
        values,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=g,
        weights=pop,
        estimates_count_as_coverage=False,
    )
    assert strict.status == "refused" and "reported figures cover 25.0%" in strict.message


def test_households_counts_and_index_kinds() -> None:
    hh = weights({"AAA": 10, "BBB": 30, "CCC": 60})
    values = tidy([("AAA", 2022, 80.0), ("BBB", 2022, 40.0), ("CCC", 2022, 20.0)])
    kw = {"indicator": "i99H", "group": "G", "period": 2022, "memberships": GRP}
    # (800 + 1200 + 1200) / 100
    assert aggregate(values, kind="households", weights=hh, **kw).value == pytest.approx(32.0)  # type: ignore[arg-type]
    assert aggregate(values, kind="count", **kw).value == pytest.approx(140.0)  # type: ignore[arg-type]
    idx = aggregate(values, kind="index", **kw)  # type: ignore[arg-type]
    assert idx.value == pytest.approx(140 / 3) and idx.reported_share == 1.0
    with pytest.raises(MeasureInputError, match="needs weights"):
        aggregate(values, kind="people", **kw)  # type: ignore[arg-type]


def test_membership_follows_the_period_date_a_graduated_ldc_leaves() -> None:
    # Bhutan graduated from the LDC category on 13 December 2023.
    ldc = memberships_frame(
        [
            {
                "group": "LDC",
                "economy": "BTN",
                "valid_from": dt.date(1971, 1, 1),
                "valid_to": dt.date(2023, 12, 13),
            },
            {"group": "LDC", "economy": "NPL", "valid_from": dt.date(1971, 1, 1), "valid_to": None},
        ]
    )
    assert members_on(ldc, "LDC", period_date(2023)) == ["BTN", "NPL"]
    assert members_on(ldc, "LDC", period_date(2023, "end")) == ["NPL"]
    assert members_on(ldc, "LDC", period_date(2024)) == ["NPL"]
    values = pl.DataFrame(
        {
            "economy": ["BTN", "NPL", "BTN", "NPL"],
            "indicator": "i99H",
            "period": [2023, 2023, 2024, 2024],
            "value": [80.0, 50.0, 85.0, 55.0],
        }
    )
    pop = pl.DataFrame(
        {"economy": ["BTN", "NPL"] * 2, "period": [2023, 2023, 2024, 2024], "value": [1.0, 3.0] * 2}
    )
    y2023 = aggregate(values, indicator="i99H", group="LDC", period=2023, memberships=ldc, weights=pop)
    y2024 = aggregate(values, indicator="i99H", group="LDC", period=2024, memberships=ldc, weights=pop)
    assert y2023.value == pytest.approx((80 + 150) / 4) and y2023.members == 2
    assert y2024.value == pytest.approx(55.0) and y2024.members == 1
    assert y2024.to_dict()["membership_date"] == "2024-07-01"


def test_members_without_weight_are_listed_and_left_out() -> None:
    pop = weights({"AAA": 100, "BBB": 300})
    result = aggregate(VALUES, indicator="i99H", group="G", period=2022, memberships=GRP, weights=pop)
    assert result.unweighted == ("CCC",) and "CCC" in result.message
    assert result.value == pytest.approx(20.0)


def test_result_carries_provenance_and_a_table_helper_works() -> None:
    result = run(releases=["itu-2025-11"])
    prov = result.to_dict()["provenance"]
    assert prov["method"] == "aggregate/people" and prov["inputs"] == ["itu-2025-11"]
    assert prov["code_version"]
    table = aggregate_table(
        VALUES,
        indicator="i99H",
        groups=["G"],
        periods=[2021, 2022],
        memberships=GRP,
        weights=weights({"AAA": 100, "BBB": 300, "CCC": 100}, 2022),
    )
    assert table.height == 2


def test_bad_input_names_source_row_and_field() -> None:
    bad = pl.DataFrame(
        {"economy": ["AAA", "bb"], "indicator": "x", "period": [2020, 2021], "value": [1.0, 2.0]}
    )
    with pytest.raises(MeasureInputError, match=r"file.csv: row 2, field 'economy'"):
        check_tidy(bad, source="file.csv")
    bad = pl.DataFrame({"economy": ["AAA"], "indicator": "x", "period": ["20x"], "value": ["1"]})
    with pytest.raises(MeasureInputError, match=r"row 1, field 'period': '20x' is not a number"):
        check_tidy(bad)
    dup = pl.DataFrame(
        {"economy": ["AAA", "AAA"], "indicator": "x", "period": [2020, 2020], "value": [1.0, 2.0]}
    )
    with pytest.raises(MeasureInputError, match="row 2: duplicate observation"):
        check_tidy(dup)
    with pytest.raises(MeasureInputError, match=r"row 1, field 'valid_to'"):
        check_memberships(
            pl.DataFrame(
                {"group": ["G"], "economy": ["AAA"], "valid_from": ["2020-01-01"], "valid_to": ["2019-01-01"]}
            )
        )


def test_group_fallback_without_weights_for_index_groups() -> None:
    values = tidy([("AAA", 2022, 60.0), ("BBB", 2022, 40.0)])
    result = aggregate(
        values,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=GRP,
        kind="index",
        imputation=[GroupFallback()],
    )
    # C gets the simple mean 50 of A and B; the group's simple mean is then 50 too, a third imputed
    assert result.value == pytest.approx(50.0) and result.imputed_share == pytest.approx(1 / 3)
    assert result.provenance.parameters["imputation"] == ["group(fallback=aggregate)"]
