"""The synthetic demonstration dataset: deterministic, valid, complete, plausible, and always marked."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from wsis.engine import readers, synthetic
from wsis.engine.readers import validate, writers
from wsis.engine.readers.observation import COLUMNS, SCHEMA
from wsis.reference.loader import Knowledge, knowledge

# Catalogue units (indicators.yaml) of each observation-frame unit the dataset uses.
CATALOGUE_UNITS = {
    "percent": "percent",
    "per_100": "per_100",
    "count": "number",
    "percent_gni_pc": "percent_gni",
}


@pytest.fixture(scope="module")
def kn() -> Knowledge:
    return knowledge()


@pytest.fixture(scope="module")
def frame(kn: Knowledge) -> pl.DataFrame:
    return synthetic.generate(kn)


def _csv_digest(frame: pl.DataFrame) -> str:
    return hashlib.sha256(frame.write_csv().encode()).hexdigest()


def _ldc(kn: Knowledge) -> set[str]:
    return set(kn.members("LDC", dt.date(2017, 7, 1)))


def test_canonical_schema(frame: pl.DataFrame) -> None:
    assert frame.schema == pl.Schema(SCHEMA)
    assert tuple(frame.columns) == COLUMNS
    assert frame.get_column("source_row").to_list() == list(range(1, frame.height + 1))


def test_same_inputs_give_byte_identical_output(kn: Knowledge, frame: pl.DataFrame, tmp_path: Path) -> None:
    again = synthetic.generate(kn)
    assert frame.write_csv() == again.write_csv()
    first = writers.write(frame, tmp_path / "a.csv", "csv").read_bytes()
    second = writers.write(again, tmp_path / "b.csv", "csv").read_bytes()
    assert first == second


def test_output_does_not_depend_on_pythons_randomised_hash(frame: pl.DataFrame) -> None:
    # A fresh interpreter with another hash seed must produce the very same bytes.
    script = (
        "import hashlib; from wsis.engine import synthetic; "
        "print(hashlib.sha256(synthetic.generate().write_csv().encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True, timeout=120
    )
    assert run.stdout.strip() == _csv_digest(frame)


def test_economies_draw_independently(kn: Knowledge, frame: pl.DataFrame) -> None:
    # Restricting to a few economies gives exactly their rows of the full dataset.
    some = synthetic.generate(kn, economies=["KEN", "FRA", "FJI"])
    full = frame.filter(pl.col("area").is_in(["KEN", "FRA", "FJI"])).drop("source_row")
    assert some.drop("source_row").equals(full)


def test_unknown_economy_is_refused(kn: Knowledge) -> None:
    with pytest.raises(ValueError, match="ZZZ"):
        synthetic.generate(kn, economies=["KEN", "ZZZ"])
    with pytest.raises(ValueError, match="after"):
        synthetic.generate(kn, first_year=2024, last_year=2010)


def test_every_row_is_marked_synthetic(frame: pl.DataFrame) -> None:
    assert synthetic.is_synthetic(frame).all()
    assert frame.get_column("source").unique().to_list() == [synthetic.SOURCE]
    assert "SYNTHETIC" in synthetic.SOURCE and "not official statistics" in synthetic.SOURCE
    notes = frame.get_column("note")
    assert notes.null_count() == 0
    assert notes.str.contains("not an official statistic").all()
    assert notes.str.contains("Synthetic").all()


def test_validation_finds_nothing(frame: pl.DataFrame) -> None:
    problems = validate.check(frame, "synthetic")
    assert [str(p) for p in problems if p.severity == "error"] == []
    # The quality checks (totals within parts, urban >= rural, 4G <= 3G, jumps) pass as well.
    assert [str(p) for p in problems] == []


def test_import_path_reads_it_back(frame: pl.DataFrame, tmp_path: Path) -> None:
    path = writers.write(frame, tmp_path / "demo.csv", "csv")
    result = readers.read(path)
    assert result.ok, [str(p) for p in result.errors]
    assert result.frame.drop("source_row").equals(frame.drop("source_row"))


def test_every_populated_economy_and_year(kn: Knowledge, frame: pl.DataFrame) -> None:
    expected = set(kn.economies) - synthetic.NO_PERMANENT_POPULATION
    assert set(frame.get_column("area").unique()) == expected
    years = {str(y) for y in range(synthetic.FIRST_YEAR, synthetic.LAST_YEAR + 1)}
    assert set(frame.get_column("period").unique()) == years
    population = frame.filter(pl.col("indicator") == synthetic.POPULATION)
    assert population.height == len(expected) * len(years)  # complete, so aggregates can weight by it
    assert (frame.get_column("area_kind") == "economy").all()


def test_indicators_and_units_match_the_catalogue(kn: Knowledge, frame: pl.DataFrame) -> None:
    assert set(frame.get_column("indicator").unique()) == set(synthetic.INDICATORS)
    for code, unit in synthetic.UNITS.items():
        assert code in kn.indicators, code
        assert kn.indicators[code].unit == CATALOGUE_UNITS[unit], code
    units = frame.select("indicator", "unit").unique()
    assert dict(units.iter_rows()) == synthetic.UNITS


def test_breakdowns_have_realistic_gaps(kn: Knowledge, frame: pl.DataFrame) -> None:
    use = frame.filter(pl.col("indicator") == synthetic.INTERNET_USE)
    by_sex = use.filter(pl.col("sex") != "_T").pivot(on="sex", index=["area", "period"], values="value")
    assert by_sex.height > 500
    assert (by_sex["F"] <= by_sex["M"]).all()
    by_place = use.filter(pl.col("urbanisation") != "_T").pivot(
        on="urbanisation", index=["area", "period"], values="value"
    )
    assert (by_place["R"] <= by_place["U"]).all()
    assert (by_place["U"] - by_place["R"]).mean() > 5  # type: ignore[operator]

    ldc = _ldc(kn)
    parity = by_sex.with_columns(
        (pl.col("F") / pl.col("M")).alias("parity"), pl.col("area").is_in(ldc).alias("ldc")
    )
    mean = dict(parity.group_by("ldc").agg(pl.col("parity").mean()).iter_rows())
    assert mean[True] < mean[False] - 0.1  # women trail men much more in LDCs


def test_levels_follow_development(kn: Knowledge, frame: pl.DataFrame) -> None:
    totals = frame.filter(
        (pl.col("indicator") == synthetic.INTERNET_USE)
        & (pl.col("sex") == "_T")
        & (pl.col("urbanisation") == "_T")
    )
    latest = totals.filter(pl.col("period") == "2023").with_columns(
        pl.col("area").is_in(_ldc(kn)).alias("ldc")
    )
    mean = dict(latest.group_by("ldc").agg(pl.col("value").mean()).iter_rows())
    assert 20 < mean[True] < 50 < 65 < mean[False] < 90
    # Adoption never falls back: each economy's total series is non-decreasing.
    falls = totals.sort("area", "period").with_columns(pl.col("value").diff().over("area").alias("change"))
    assert falls.filter(pl.col("change") < 0).height == 0
    # Prices fall, coverage grows: the last year beats the first for every economy.
    for code, sign in ((synthetic.FIXED_BROADBAND_PRICE, -1), (synthetic.COVERAGE_3G, 1)):
        series = frame.filter(pl.col("indicator") == code).sort("area", "period")
        ends = series.group_by("area").agg(
            pl.col("value").first().alias("a"), pl.col("value").last().alias("b")
        )
        assert ((ends["b"] - ends["a"]) * sign > 0).all(), code


def test_some_years_missing_and_some_estimates(frame: pl.DataFrame) -> None:
    counts = (
        frame.filter((pl.col("sex") == "_T") & (pl.col("urbanisation") == "_T"))
        .group_by("indicator", "area")
        .len()
    )
    use = counts.filter(pl.col("indicator") == synthetic.INTERNET_USE)
    assert 0 < use.filter(pl.col("len") < 15).height < use.height  # gaps, but not everywhere
    natures = frame.group_by("nature").len()
    assert set(natures.get_column("nature")) == {"reported", "estimate"}
    estimates = frame.filter(pl.col("nature") == "estimate")
    assert estimates.get_column("note").unique().to_list() == [synthetic.ESTIMATE_NOTE]
    # Breakdowns come from surveys only: never an estimate.
    assert estimates.filter((pl.col("sex") != "_T") | (pl.col("urbanisation") != "_T")).height == 0


def test_fast(kn: Knowledge) -> None:
    start = time.perf_counter()
    synthetic.generate(kn)
    assert time.perf_counter() - start < 2.0
