"""Bad calibration input gives an error naming the column, the category or the margin (and rows where
there are some), and nothing is estimated or written."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from wsis.cli.survey import survey
from wsis.engine.survey import Mean, SurveyInputError, TaylorDesign, estimate, open_survey
from wsis.engine.survey.calibrated import calibrated_weights
from wsis.engine.survey.calibration import Calibrate, PopulationTable, PostStratify, Rake, TrimWeights
from wsis.engine.survey.design import CalibratedDesign
from wsis.engine.survey.populations import read_calibration, read_table

CLUS1 = TaylorDesign(clusters=("dnum",), weight="pw", fpc=("fpc",))
STRAT = TaylorDesign(strata="stype", weight="pw", fpc=("fpc",))
TYPES = PopulationTable.of("stype", {"E": 4421, "H": 755, "M": 1018})


@pytest.fixture
def apiclus1(shared: Path) -> Path:
    return shared / "surveys" / "apiclus1.csv"


def test_sample_category_without_a_population_total(apiclus1: Path) -> None:
    design = CalibratedDesign(CLUS1, (PostStratify(PopulationTable.of("stype", {"E": 4421, "H": 755})),))
    with pytest.raises(SurveyInputError) as err:
        estimate(open_survey(apiclus1), design, Mean("api00"))
    assert err.value.column == "stype"
    assert "'M'" in str(err.value)
    assert err.value.rows  # the rows of the missing category are named
    assert "apiclus1.csv" in str(err.value)


def test_population_category_without_sample_rows(apiclus1: Path) -> None:
    table = PopulationTable.of("stype", {"E": 4421, "H": 755, "M": 1018, "K": 12})
    with pytest.raises(SurveyInputError, match="'K'") as err:
        calibrated_weights(open_survey(apiclus1), CalibratedDesign(CLUS1, (PostStratify(table),)))
    assert err.value.column == "stype"


def test_calibration_totals_missing_a_category(apiclus1: Path) -> None:
    step = Calibrate(("stype", "api99"), (("(Intercept)", 6194), ("stypeH", 755), ("api99", 3914069)))
    with pytest.raises(SurveyInputError, match="stypeM") as err:
        calibrated_weights(open_survey(apiclus1), CalibratedDesign(CLUS1, (step,)))
    assert err.value.column == "stypeM"


def test_calibration_total_matching_nothing(apiclus1: Path) -> None:
    totals = (("(Intercept)", 6194), ("stypeH", 755), ("stypeM", 1018), ("stypeX", 3), ("api99", 3914069))
    with pytest.raises(SurveyInputError, match="stypeX"):
        calibrated_weights(
            open_survey(apiclus1), CalibratedDesign(CLUS1, (Calibrate(("stype", "api99"), totals),))
        )


def test_margins_that_do_not_sum() -> None:
    with pytest.raises(SurveyInputError, match="stype sums to 6194.*sch.wide sums to 6000"):
        Calibrate.from_margins(
            {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1000, "Yes": 5000}}
        )


def test_margins_that_do_not_sum_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "totals.csv"
    path.write_text(
        "variable,level,total\nstype,E,4421\nstype,H,755\nstype,M,1018\nsch.wide,No,1\nsch.wide,Yes,2\n"
    )
    with pytest.raises(SurveyInputError, match="sch.wide sums to 3") as err:
        read_calibration(path)
    assert str(path) in str(err.value)


def test_rake_that_does_not_converge_names_the_margin(shared: Path) -> None:
    margins = (
        TYPES,
        PopulationTable.of("sch.wide", {"No": 1072, "Yes": 5122}),
        PopulationTable.of("comp.imp", {"No": 1712, "Yes": 4482}),
    )
    design = CalibratedDesign(STRAT, (Rake(margins, maxit=2, epsilon=1e-13),))
    with pytest.raises(SurveyInputError, match="did not converge in 2 cycles") as err:
        calibrated_weights(open_survey(shared / "surveys" / "apistrat.csv"), design)
    assert err.value.column in ("stype", "sch.wide", "comp.imp")
    assert repr(err.value.column) in str(err.value)


def test_logit_calibration_that_cannot_meet_its_bounds(apiclus1: Path) -> None:
    totals = (("(Intercept)", 6194), ("stypeH", 755), ("stypeM", 1018), ("api99", 3914069))
    step = Calibrate(("stype", "api99"), totals, calfun="logit", bounds=(0.99, 1.01))
    with pytest.raises(SurveyInputError, match="did not converge"):
        calibrated_weights(open_survey(apiclus1), CalibratedDesign(CLUS1, (step,)))


@pytest.mark.parametrize(
    ("text", "column", "rows"),
    [
        ("g,w,y\na,10,1\nb,0,2\na,-1,3\nb,4,5\n", "w", [2, 3]),  # zero and negative weights
        ("g,w,y\na,10,1\nNA,3,2\na,1,3\nb,4,5\n", "g", [2]),  # a missing calibration variable
    ],
)
def test_bad_rows_name_column_and_rows(tmp_path: Path, text: str, column: str, rows: list[int]) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text)
    step = PostStratify(PopulationTable.of("g", {"a": 10, "b": 10}))
    with pytest.raises(SurveyInputError) as err:
        estimate(open_survey(path), CalibratedDesign(TaylorDesign(weight="w"), (step,)), Mean("y"))
    assert err.value.column == column
    assert err.value.rows == rows


def test_population_table_file_errors_name_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "types.csv"
    path.write_text("stype,Freq\nE,4421\nH,many\n")
    with pytest.raises(SurveyInputError) as err:
        read_table(path)
    assert err.value.rows == [3] and err.value.column == "Freq"
    path.write_text("stype,count_of\nE,1\n")
    with pytest.raises(SurveyInputError, match="Freq"):
        read_table(path)


def test_trimming_bounds_and_spread() -> None:
    with pytest.raises(SurveyInputError, match="reversed"):
        TrimWeights(50, 20)


def test_command_line_error_writes_nothing(apiclus1: Path, tmp_path: Path) -> None:
    table = tmp_path / "types.csv"
    table.write_text("stype,Freq\nE,4421\nH,755\n")
    args = ["--psu", "dnum", "--weight", "pw", "--fpc", "fpc", "--poststratify", str(table)]
    for command in (["estimate", str(apiclus1), *args, "--mean", "api00"], ["weights", str(apiclus1), *args]):
        result = CliRunner().invoke(survey, command)
        assert result.exit_code != 0
        assert "'M'" in result.output and "stype" in result.output
        assert "estimate" not in result.output and "weights" not in result.output.split("Error")[0]


def test_calibrated_weights_meet_the_totals(apiclus1: Path) -> None:
    """A post-stratified design reproduces each population count exactly (sanity beyond R's numbers)."""
    result = calibrated_weights(open_survey(apiclus1), CalibratedDesign(CLUS1, (PostStratify(TYPES),)))
    assert math.isclose(float(result.weights.sum()), 6194.0, rel_tol=1e-12)
