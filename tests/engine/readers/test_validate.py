"""Validation rules on observation frames written here, one rule at a time."""

from __future__ import annotations

from typing import Any

import polars as pl

from wsis.engine.readers import areas, validate
from wsis.engine.readers.observation import conform


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    base = {"area_kind": "economy", "unit": "percent", "nature": "reported"}
    return conform(
        pl.DataFrame(
            [{**base, **r, "source_row": i} for i, r in enumerate(rows, start=2)], infer_schema_length=None
        )
    )


def obs(indicator: str, area: str, period: str, value: float, **extra: Any) -> dict[str, Any]:
    return {"indicator": indicator, "area": area, "period": period, "value": value, **extra}


def messages(problems: list[validate.Problem]) -> list[tuple[str, int | None, str]]:
    return [(p.severity, p.row, p.message) for p in problems]


def test_clean_frame_has_no_problems() -> None:
    clean = frame(obs("i99H", "KEN", "2021", 30.0), obs("i99H", "KEN", "2022", 35.0))
    assert validate.check(clean, "f.csv") == []


def test_percent_range_but_per100_may_exceed_100() -> None:
    problems = validate.check(
        frame(obs("i99H", "KEN", "2022", 100.5), obs("i911mw", "KEN", "2022", 160.5, unit="per_100")), "f.csv"
    )
    assert messages(problems) == [("error", 2, "percentage 100.5 outside 0-100")]


def test_schema_problems_stop_further_checks() -> None:
    broken = frame(obs("i99H", "KEN", "2022", 10.0)).with_columns(pl.col("value").cast(pl.String))
    problems = validate.check(broken, "f.csv")
    assert [(p.column, p.severity) for p in problems] == [("value", "error")]


def test_year_on_year_jump_threshold_per_indicator() -> None:
    series = frame(
        obs("i99H", "KEN", "2021", 10.0), obs("i99H", "KEN", "2022", 36.0), obs("i99H", "KEN", "2024", 90.0)
    )
    (jump,) = validate.jumps(series, "f.csv")
    assert jump.row == 3 and jump.severity == "warning" and "10.0 in 2021 -> 36.0 in 2022" in jump.message
    slower = frame(obs("i99H", "KEN", "2021", 10.0), obs("i99H", "KEN", "2022", 34.0))
    assert validate.jumps(slower, "f.csv") == []


def test_total_outside_its_breakdown() -> None:
    both_below = frame(
        obs("i99H", "BRA", "2018", 70.4),
        obs("i99H", "BRA", "2018", 69.0, urbanisation="U"),
        obs("i99H", "BRA", "2018", 68.0, urbanisation="R"),
    )
    (warning,) = validate.totals(both_below, "f.csv")
    assert warning.row == 2 and "outside its urbanisation breakdown" in warning.message
    between = both_below.with_columns(
        pl.when(pl.col("urbanisation") == "U").then(71.0).otherwise(pl.col("value")).alias("value")
    )
    assert validate.totals(between, "f.csv") == []


def test_urban_below_rural_is_flagged() -> None:
    data = frame(
        obs("i99H", "BRA", "2018", 70.3, urbanisation="U"), obs("i99H", "BRA", "2018", 71.6, urbanisation="R")
    )
    (warning,) = validate.urban_rural(data.vstack(frame(obs("i99H", "BRA", "2018", 70.4))), "f.csv")
    assert "urban 70.3 below rural 71.6" in warning.message


def test_components_exceeding_total() -> None:
    coverage = frame(obs("i271GA", "KEN", "2022", 97.0), obs("i271G", "KEN", "2022", 95.0))
    (warning,) = validate.components(coverage, "f.csv")
    assert "i271GA 97.0 exceeds i271G 95.0" in warning.message
    counts = frame(
        obs("i271mw", "KEN", "2022", 100.0, unit="count"),
        obs("i271mw", "KEN", "2022", 60.0, unit="count", sex="F"),
        obs("i271mw", "KEN", "2022", 50.0, unit="count", sex="M"),
    )
    (warning,) = validate.components(counts, "f.csv")
    assert "sex parts of i271mw KEN 2022 sum above the total 100.0" in warning.message


def test_duplicates_name_the_first_row() -> None:
    data = frame(
        obs("i99H", "KEN", "2022", 1.0),
        obs("i99H", "KEN", "2022", 2.0),
        obs("i99H", "KEN", "2022", 1.0, sex="F"),
    )
    assert messages(validate.duplicates(data, "f.csv")) == [
        ("error", 3, "duplicate observation i99H/KEN/2022: same key as row 2")
    ]


def test_survey_interval_checks() -> None:
    data = frame(obs("x", "KEN", "2022", 50.0, nature="survey", se=-1.0, ci_low=55.0, ci_high=60.0))
    assert [p.message for p in validate.ranges(data, "f.csv")] == [
        "negative standard error -1.0",
        "estimate outside its confidence interval",
    ]


def test_name_variants_and_no_fuzzy_surprises() -> None:
    assert areas.economy_from_name("Côte d'Ivoire") == "CIV"
    assert areas.economy_from_name("Turkiye") == "TUR"
    assert areas.economy_from_name("Türkiye") == "TUR"
    assert areas.economy_from_name("Korea (Rep. of)") == "KOR"
    assert areas.economy_from_name("Kosovo") == "XKX"  # pycountry's fuzzy search says Serbia
    assert areas.economy_from_name("Atlantis") is None
    assert areas.economy_code("KSO") == "XKX" and areas.economy_code("WLD") is None
    assert areas.world_bank_group("WLD") == "WB_WLD" and areas.m49_group(1) == "M49_001"
    assert areas.economy_from_m49(404) == "KEN" and areas.economy_from_m49(1) is None
