"""Group aggregates: hand-computed weighted means, imputation methods, coverage, membership dates."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from wsis.engine.measure.aggregates import CoverageError, aggregate, aggregate_many, aggregate_table
from wsis.engine.measure.backend import Backend
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


def run(backend: Backend | None, **kw: object) -> object:
    base = {"indicator": "i99H", "group": "G", "period": 2022, "memberships": GRP, "weights": POP}
    base.update(kw)
    return aggregate(VALUES, backend=backend, **base)  # type: ignore[arg-type]


def test_population_weighted_mean_with_nearest_year_prefers_the_earlier_year_on_a_tie(
    backend: Backend | None,
) -> None:
    result = run(backend, imputation=[NearestYear(within=1)])
    # C: 2021 and 2023 are both one year away -> 30 (carried forward). (50*100 + 10*300 + 30*100) / 500
    assert result.value == pytest.approx(22.0)
    assert result.reported_share == pytest.approx(0.8)
    assert result.imputed_share == pytest.approx(0.2)
    assert result.missing_share == 0
    row = result.detail.filter(pl.col("economy") == "CCC").row(0, named=True)
    assert row["source"] == "imputed:nearest" and row["source_period"] == 2021


def test_trend_interpolates_between_the_two_closest_years(backend: Backend | None) -> None:
    result = run(backend, imputation=[Trend(within=2)])
    # C: halfway between 30 and 50 -> 40. (5000 + 3000 + 4000) / 500
    assert result.value == pytest.approx(24.0)


def test_trend_extrapolates_one_side_and_clips_to_bounds(backend: Backend | None) -> None:
    values = tidy([("AAA", 2022, 50.0), ("CCC", 2019, 20.0), ("CCC", 2020, 24.0)])
    g = group("G", ["AAA", "CCC"])
    pop = weights({"AAA": 1, "CCC": 1})
    result = aggregate(
        values,
        backend=backend,
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
        backend=backend,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=g,
        weights=pop,
        imputation=[Trend(within=5, bounds=(0, 100))],
    )
    assert clipped.value == pytest.approx(75.0)  # C: 114 clipped to 100


def test_group_fallback_uses_the_fallback_group_or_else_the_aggregate(backend: Backend | None) -> None:
    # Without fallback groups: C gets the weighted mean of reported members, (5000 + 3000) / 400 = 20.
    assert run(backend, imputation=[GroupFallback()]).value == pytest.approx(20.0)
    # With regions: C shares region R1 with A (50) -> (5000 + 3000 + 5000) / 500 = 26.
    regions = check_memberships(
        pl.DataFrame(
            {"group": ["R1", "R2", "R1"], "economy": ["AAA", "BBB", "CCC"], "valid_from": "2000-01-01"}
        )
    )
    assert run(backend, imputation=[GroupFallback(regions)]).value == pytest.approx(26.0)


def test_methods_chain_in_order(backend: Backend | None) -> None:
    # Nearest within 0 years finds nothing, so the trend fills C.
    assert run(backend, imputation=[NearestYear(within=0), Trend(within=2)]).value == pytest.approx(24.0)


def test_below_minimum_coverage_is_refused_with_a_clear_message(backend: Backend | None) -> None:
    pop = weights({"AAA": 100, "BBB": 300, "CCC": 100, "DDD": 600})
    g = group("G", ["AAA", "BBB", "CCC", "DDD"])
    result = aggregate(
        VALUES,
        backend=backend,
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
            backend=backend,
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
        backend=backend,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=g,
        weights=pop,
        imputation=[NearestYear(1)],
        min_coverage=0.3,
    )
    assert ok.status == "ok" and ok.value == pytest.approx(22.0)  # D has no figure and drops out


def test_publisher_estimates_count_as_imputed_and_optionally_not_as_coverage(backend: Backend | None) -> None:
    values = tidy([("AAA", 2022, 50.0), ("BBB", 2022, 10.0)], nature=["reported", "ITU estimate."])
    g = group("G", ["AAA", "BBB"])
    pop = weights({"AAA": 100, "BBB": 300})
    result = aggregate(
        values, backend=backend, indicator="i99H", group="G", period=2022, memberships=g, weights=pop
    )
    assert result.value == pytest.approx(20.0)
    assert result.estimate_share == pytest.approx(0.75) and result.imputed_share == pytest.approx(0.75)
    strict = aggregate(
        values,
        backend=backend,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=g,
        weights=pop,
        estimates_count_as_coverage=False,
    )
    assert strict.status == "refused" and "reported figures cover 25.0%" in strict.message


def test_households_counts_and_index_kinds(backend: Backend | None) -> None:
    hh = weights({"AAA": 10, "BBB": 30, "CCC": 60})
    values = tidy([("AAA", 2022, 80.0), ("BBB", 2022, 40.0), ("CCC", 2022, 20.0)])
    kw = {"indicator": "i99H", "group": "G", "period": 2022, "memberships": GRP}
    # (800 + 1200 + 1200) / 100
    assert aggregate(values, backend=backend, kind="households", weights=hh, **kw).value == pytest.approx(
        32.0
    )  # type: ignore[arg-type]
    assert aggregate(values, backend=backend, kind="count", **kw).value == pytest.approx(140.0)  # type: ignore[arg-type]
    idx = aggregate(values, backend=backend, kind="index", **kw)  # type: ignore[arg-type]
    assert idx.value == pytest.approx(140 / 3) and idx.reported_share == 1.0
    with pytest.raises(MeasureInputError, match="needs weights"):
        aggregate(values, backend=backend, kind="people", **kw)  # type: ignore[arg-type]


def test_membership_follows_the_period_date_a_graduated_ldc_leaves(backend: Backend | None) -> None:
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
    y2023 = aggregate(
        values, backend=backend, indicator="i99H", group="LDC", period=2023, memberships=ldc, weights=pop
    )
    y2024 = aggregate(
        values, backend=backend, indicator="i99H", group="LDC", period=2024, memberships=ldc, weights=pop
    )
    assert y2023.value == pytest.approx((80 + 150) / 4) and y2023.members == 2
    assert y2024.value == pytest.approx(55.0) and y2024.members == 1
    assert y2024.to_dict()["membership_date"] == "2024-07-01"


def test_members_without_weight_are_listed_and_left_out(backend: Backend | None) -> None:
    pop = weights({"AAA": 100, "BBB": 300})
    result = aggregate(
        VALUES, backend=backend, indicator="i99H", group="G", period=2022, memberships=GRP, weights=pop
    )
    assert result.unweighted == ("CCC",) and "CCC" in result.message
    assert result.value == pytest.approx(20.0)


def test_result_carries_provenance_and_a_table_helper_works(backend: Backend | None) -> None:
    result = run(backend, releases=["itu-2025-11"])
    prov = result.to_dict()["provenance"]
    assert prov["method"] == "aggregate/people" and prov["inputs"] == ["itu-2025-11"]
    assert prov["code_version"]
    table = aggregate_table(
        VALUES,
        backend=backend,
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


def test_group_fallback_without_weights_for_index_groups(backend: Backend | None) -> None:
    values = tidy([("AAA", 2022, 60.0), ("BBB", 2022, 40.0)])
    result = aggregate(
        values,
        backend=backend,
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


def test_a_trend_without_a_line_leaves_the_member_missing_even_with_bounds(backend: Backend | None) -> None:
    # C has one figure before 2022 and none after: no line, so no value - clipping must not invent 100.
    values = tidy([("AAA", 2022, 50.0), ("CCC", 2019, 20.0)])
    result = aggregate(
        values,
        backend=backend,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=group("G", ["AAA", "CCC"]),
        weights=weights({"AAA": 1, "CCC": 3}),
        imputation=[Trend(within=5, bounds=(0, 100))],
        min_coverage=0.2,
    )
    assert result.value == pytest.approx(50.0) and result.missing_share == pytest.approx(0.75)
    row = result.detail.filter(pl.col("economy") == "CCC").row(0, named=True)
    assert row["source"] == "missing" and row["value"] is None


def test_many_groups_and_periods_in_one_query_match_one_at_a_time_on_duckdb(backend: Backend | None) -> None:
    values = tidy(
        [
            ("AAA", 2021, 40.0),
            ("AAA", 2022, 50.0),
            ("BBB", 2022, 10.0),
            ("CCC", 2021, 30.0),
            ("CCC", 2023, 50.0),
        ]
    )
    pop = pl.concat([weights({"AAA": 100, "BBB": 300, "CCC": 100}, p) for p in (2021, 2022, 2023)])
    both = pl.concat([GRP, group("H", ["AAA", "CCC"]), group("LATE", ["BBB"], since="2023-01-01")])
    options = {"memberships": both, "weights": pop, "imputation": [NearestYear(1), GroupFallback()]}
    many = aggregate_many(
        values,
        backend=backend,
        indicator="i99H",
        groups=["G", "H", "LATE"],
        periods=[2021, 2022],
        min_coverage=0.0,
        **options,  # type: ignore[arg-type]
    )
    assert [(a.group, a.period) for a in many] == [
        ("G", 2021),
        ("G", 2022),
        ("H", 2021),
        ("H", 2022),
        ("LATE", 2021),
        ("LATE", 2022),
    ]
    # G 2021: A 40 and C 30 reported; B's nearest figure is 10 in 2022 (the group fallback, the
    # weighted mean of the reported members 35, comes second) -> (4000 + 3000 + 3000) / 500 = 20.
    assert many[0].value == pytest.approx(20.0)
    assert many[0].detail.filter(pl.col("economy") == "BBB")["source_period"].to_list() == [2022]
    assert many[0].imputed_here_share == pytest.approx(0.6)
    # H 2022: A 50 reported, C 30 carried forward from 2021 -> (5000 + 3000) / 200 = 40.
    assert many[3].value == pytest.approx(40.0)
    assert many[4].status == "empty" and many[4].members == 0
    for one in many:  # each against the default backend one at a time (on Spark: the same on two engines)
        alone = aggregate(
            values,
            indicator="i99H",
            group=one.group,
            period=one.period,
            min_coverage=0.0,
            **options,  # type: ignore[arg-type]
        )
        assert (alone.value, alone.status, alone.message) == (one.value, one.status, one.message)
        assert alone.detail.equals(one.detail)


def test_repeated_figures_or_weights_are_refused_by_name() -> None:
    twice = pl.concat([VALUES, VALUES.head(1)])
    with pytest.raises(MeasureInputError, match="i99H has two figures for economy AAA in period 2022"):
        aggregate(twice, indicator="i99H", group="G", period=2022, memberships=GRP, weights=POP)
    with pytest.raises(MeasureInputError, match="weights: two values for economy AAA in period 2022"):
        aggregate(
            VALUES,
            indicator="i99H",
            group="G",
            period=2022,
            memberships=GRP,
            weights=pl.concat([POP, POP.head(1)]),
        )


def test_group_fallback_of_a_member_of_two_fallback_groups_takes_the_union_of_peers(
    backend: Backend | None,
) -> None:
    # R1 = A, C, D and R2 = B, C, E. C is in both: its peers are A, B and D once each ->
    # (50x100 + 10x300 + 90x100) / 500 = 34. E is in R2 only: B's 10 (C has no figure of its own).
    values = tidy([("AAA", 2022, 50.0), ("BBB", 2022, 10.0), ("DDD", 2022, 90.0)])
    regions = check_memberships(
        pl.DataFrame(
            {
                "group": ["R1", "R1", "R1", "R2", "R2", "R2"],
                "economy": ["AAA", "CCC", "DDD", "BBB", "CCC", "EEE"],
                "valid_from": "2000-01-01",
            }
        )
    )
    result = aggregate(
        values,
        backend=backend,
        indicator="i99H",
        group="G",
        period=2022,
        memberships=group("G", ["AAA", "CCC", "EEE"]),
        weights=weights({"AAA": 100, "BBB": 300, "CCC": 100, "DDD": 100, "EEE": 100}),
        imputation=[GroupFallback(regions)],
        min_coverage=0.3,  # A alone reports: a third of the group
    )
    filled = dict(zip(result.detail["economy"], result.detail["value"], strict=True))
    assert filled == {"AAA": 50.0, "CCC": pytest.approx(34.0), "EEE": pytest.approx(10.0)}
    assert result.value == pytest.approx((5000 + 3400 + 1000) / 300)
