"""Bad input gives an error naming the column and rows, never a silent number."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from wsis.cli.survey import survey
from wsis.engine.survey import (
    BuiltReplicates,
    Mean,
    Proportion,
    ReplicateDesign,
    SurveyInputError,
    TaylorDesign,
    estimate,
    open_survey,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text(text)
    return path


CLEAN = """stratum,psu,w,y
a,1,10,1
a,1,10,0
a,2,12,1
b,3,8,0
b,4,9,1
b,4,9,1
"""


def test_missing_weight_names_column_and_row(tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN.replace("b,3,8,0", "b,3,NA,0"))
    with pytest.raises(SurveyInputError) as err:
        estimate(open_survey(path), TaylorDesign("stratum", ("psu",), "w"), Mean("y"))
    assert err.value.column == "w"
    assert err.value.rows == [4]
    assert "'w'" in str(err.value) and "rows 4" in str(err.value)


def test_non_positive_weights_name_every_row(tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN.replace("a,1,10,0", "a,1,0,0").replace("b,4,9,1\nb", "b,4,-2,1\nb"))
    with pytest.raises(SurveyInputError) as err:
        estimate(open_survey(path), TaylorDesign("stratum", ("psu",), "w"), Mean("y"))
    assert err.value.column == "w"
    assert err.value.rows == [2, 5]


def test_psus_not_nested_in_strata_without_nest(shared: Path) -> None:
    data = open_survey(shared / "surveys" / "nhanes.csv")
    design = TaylorDesign("SDMVSTRA", ("SDMVPSU",), "WTMEC2YR")
    with pytest.raises(SurveyInputError) as err:
        estimate(data, design, Mean("HI_CHOL"))
    assert err.value.column == "SDMVPSU"
    assert "--nest" in str(err.value)
    assert err.value.rows and err.value.rows[0] >= 1
    # With nest the same design is fine (R's nest=TRUE).
    nested = TaylorDesign("SDMVSTRA", ("SDMVPSU",), "WTMEC2YR", nest=True)
    assert estimate(data, nested, Mean("HI_CHOL"))[0].se > 0


def lonely(shared: Path, rule: str) -> float:
    data = open_survey(shared / "surveys" / "dhs_model_zzir.parquet")
    design = TaylorDesign("v022", ("v021",), "v005", nest=True, lonely_psu=rule)  # type: ignore[arg-type]
    return estimate(data, design, Proportion("v120", "yes"))[0].se


def test_lonely_psu_fails_by_default_naming_the_stratum(shared: Path) -> None:
    with pytest.raises(SurveyInputError) as err:
        lonely(shared, "fail")
    assert err.value.column == "v022"
    assert "25" in str(err.value) and "lonely" in str(err.value)


def test_lonely_psu_rules_follow_r(shared: Path) -> None:
    remove, certainty = lonely(shared, "remove"), lonely(shared, "certainty")
    adjust, average = lonely(shared, "adjust"), lonely(shared, "average")
    # remove and certainty both drop the lonely stratum's contribution.
    assert remove == certainty
    # average scales the other strata up by strata / strata-with-variance.
    data = open_survey(shared / "surveys" / "dhs_model_zzir.parquet")
    strata = data.connection.execute(f'SELECT COUNT(DISTINCT v022) FROM "{data.view}"').fetchone()[0]
    assert math.isclose(average**2, remove**2 * strata / (strata - 1), rel_tol=1e-12)
    # adjust adds the lonely PSU's squared total around zero instead of nothing.
    assert adjust > remove


def test_replicate_weights_that_do_not_match_the_type(shared: Path) -> None:
    data = open_survey(shared / "surveys" / "nmihs_subset.csv")
    reps = tuple(f"bsrw{i}" for i in range(1, 51))
    with pytest.raises(SurveyInputError) as err:
        estimate(data, ReplicateDesign("finalwgt", reps, "BRR"), Mean("birth_weight"))
    assert err.value.column == "bsrw1"
    assert err.value.rows[:1] == [1]
    assert "BRR" in str(err.value)


def test_jackknife_weights_must_drop_a_psu(tmp_path: Path) -> None:
    path = write(tmp_path, "w,r1,r2,y\n1,1,0,3\n1,2,1,4\n2,2,2,5\n")
    data = open_survey(path)
    with pytest.raises(SurveyInputError) as err:
        estimate(data, ReplicateDesign("w", ("r1", "r2"), "JK1"), Mean("y"))
    assert err.value.column == "r1"


def test_fpc_varying_within_stratum(tmp_path: Path) -> None:
    path = write(tmp_path, "s,w,f,y\na,1,100,1\na,1,120,2\nb,1,50,3\nb,1,50,4\n")
    with pytest.raises(SurveyInputError) as err:
        estimate(open_survey(path), TaylorDesign("s", (), "w", ("f",)), Mean("y"))
    assert err.value.column == "f"
    assert err.value.rows == [2]


def test_missing_design_values(tmp_path: Path) -> None:
    path = write(tmp_path, CLEAN.replace("a,2,12,1", "NA,2,12,1"))
    with pytest.raises(SurveyInputError) as err:
        estimate(open_survey(path), TaylorDesign("stratum", ("psu",), "w"), Mean("y"))
    assert err.value.column == "stratum" and err.value.rows == [3]


def test_unknown_column_and_bad_replicate_builds(tmp_path: Path) -> None:
    data = open_survey(write(tmp_path, CLEAN))
    with pytest.raises(SurveyInputError) as err:
        estimate(data, TaylorDesign("stratum", ("psu",), "w"), Mean("income"))
    assert err.value.column == "income"
    with pytest.raises(SurveyInputError):
        BuiltReplicates(TaylorDesign("stratum", ("psu",), "w"), "JK1")


def test_cli_reports_errors_with_exit_code(shared: Path) -> None:
    path = shared / "surveys" / "nhanes.csv"
    args = ["estimate", str(path), "--strata", "SDMVSTRA", "--psu", "SDMVPSU", "--weight", "WTMEC2YR"]
    result = CliRunner().invoke(survey, [*args, "--mean", "HI_CHOL"])
    assert result.exit_code == 1
    assert "SDMVPSU" in result.output and "--nest" in result.output
    result = CliRunner().invoke(survey, [*args, "--nest"])
    assert result.exit_code == 2 and "exactly one of" in result.output
