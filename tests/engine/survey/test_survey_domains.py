"""Domains are estimated on the full design: never the same as estimating on a subset of the file."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import duckdb
import pyreadstat

from wsis.engine.survey import Mean, Proportion, TaylorDesign, estimate, open_survey, survey_from_frame

CLUS1 = TaylorDesign(clusters=("dnum",), weight="pw", fpc=("fpc",))


def test_domain_keeps_the_design_and_subsetting_does_not(shared: Path, tmp_path: Path) -> None:
    source = shared / "surveys" / "apiclus1.csv"
    data = open_survey(source)
    (by_row,) = [r for r in estimate(data, CLUS1, Mean("api00"), by=["stype"]) if r.domain["stype"] == "H"]
    (where_row,) = estimate(data, CLUS1, Mean("api00"), where="stype = 'H'")
    assert math.isclose(by_row.estimate, where_row.estimate, rel_tol=1e-14)
    assert math.isclose(by_row.se, where_row.se, rel_tol=1e-12)
    # The naive way: keep only the high schools in a new file and treat it as the sample.
    subset = tmp_path / "apiclus1_H.csv"
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{source}', nullstr=['NA'], "
        f"auto_type_candidates=['BIGINT','DOUBLE','VARCHAR']) WHERE stype = 'H') TO '{subset}' (HEADER)"
    )
    (naive,) = estimate(open_survey(subset), CLUS1, Mean("api00"))
    assert math.isclose(naive.estimate, by_row.estimate, rel_tol=1e-12)
    assert not math.isclose(naive.se, by_row.se, rel_tol=1e-3)
    assert by_row.n == naive.n == 14


def test_domain_totals_add_up_to_the_total(shared: Path) -> None:
    data = open_survey(shared / "surveys" / "nhanes2.csv")
    design = TaylorDesign("stratid", ("psuid",), "finalwgt", nest=True)
    from wsis.engine.survey import Total

    parts = estimate(data, design, Total("highbp"), by=["region"])
    (whole,) = estimate(data, design, Total("highbp"))
    assert math.isclose(sum(r.estimate for r in parts), whole.estimate, rel_tol=1e-12)


def test_spss_value_labels_name_domains_and_levels(tmp_path: Path) -> None:
    import polars as pl

    frame = pl.DataFrame(
        {
            "strat": [1, 1, 1, 1, 2, 2, 2, 2],
            "psu": [1, 1, 2, 2, 3, 3, 4, 4],
            "wt": [1.5, 1.5, 2.0, 2.0, 1.0, 1.0, 3.0, 3.0],
            "sex": [1, 2, 1, 2, 1, 2, 1, 2],
            "internet": [1, 0, 1, 1, 0, 0, 1, 0],
        }
    )
    labels = {"sex": {1: "male", 2: "female"}, "internet": {0: "no", 1: "yes"}}
    path = tmp_path / "hh.sav"
    pyreadstat.write_sav(
        frame.to_pandas() if hasattr(frame, "to_pandas") and _has_pandas() else frame,
        str(path),
        variable_value_labels=labels,
    )
    data = open_survey(path)
    design = TaylorDesign("strat", ("psu",), "wt")
    by_label = estimate(data, design, Proportion("internet", "yes"), by=["sex"])
    by_code = estimate(survey_from_frame(frame.to_arrow()), design, Proportion("internet", 1), by=["sex"])
    assert [r.domain["sex"] for r in by_label] == ["male", "female"]
    assert [r.estimate for r in by_label] == [r.estimate for r in by_code]
    assert [r.se for r in by_label] == [r.se for r in by_code]


def _has_pandas() -> bool:
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def test_module_entry_point_prints_json(shared: Path) -> None:
    path = shared / "surveys" / "apistrat.csv"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "wsis.cli.survey",
            "estimate",
            str(path),
            "--strata",
            "stype",
            "--weight",
            "pw",
            "--fpc",
            "fpc",
            "--proportion",
            "sch.wide=Yes",
            "--ci",
            "logit",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    (row,) = json.loads(out.stdout)
    assert set(row) >= {"domain", "estimate", "se", "cv", "ci_low", "ci_high", "df", "n", "deff"}
    assert row["domain"] == {} and row["df"] == 197 and row["n"] == 200
    assert row["ci_low"] < row["estimate"] < row["ci_high"]


def test_replicate_proportion_equals_mean_of_indicator(shared: Path) -> None:
    """Proportions with replicate weights take a faster path (the 0/1 outcome as a group key); it must
    give the mean of the same indicator computed the general way."""
    from wsis.engine.survey import ReplicateDesign

    source = shared / "surveys" / "lou_pums_microdata.parquet"
    frame = duckdb.sql(
        f"SELECT *, CASE WHEN SEX = 'Female' THEN 1.0 ELSE 0.0 END AS female FROM read_parquet('{source}')"
    ).to_arrow_table()
    data = survey_from_frame(frame)
    design = ReplicateDesign("PWGTP", tuple(f"PWGTP{i}" for i in range(1, 81)), "SDR", mse=True)
    share = estimate(data, design, Proportion("SEX", "Female"), by=["EDUC_ATTAINMENT"])
    mean = estimate(data, design, Mean("female"), by=["EDUC_ATTAINMENT"])
    assert len(share) == len(mean) > 1
    for a, b in zip(share, mean, strict=True):
        assert a.domain == b.domain
        assert math.isclose(a.estimate, b.estimate, rel_tol=1e-12)
        assert math.isclose(a.se, b.se, rel_tol=1e-9)
        assert a.n == b.n and a.df == b.df
