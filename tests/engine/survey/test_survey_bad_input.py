"""Issue 18's bad input, each through the Python API and through ``wsis survey``: margins that do not
sum, categories missing from the totals, a rake that does not converge, a singular regression design,
negative or zero weights. Each gives an error naming the column (and the rows, where rows show it),
the command exits 1, and nothing is printed as a result nor written beside the data."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from wsis.cli.survey import survey
from wsis.engine.survey import (
    CalibratedDesign,
    Mean,
    PopulationTable,
    PostStratify,
    Rake,
    SurveyInputError,
    TaylorDesign,
    estimate,
    open_survey,
    svyglm,
)
from wsis.engine.survey.populations import read_calibration
from wsis.engine.survey.readers import derive_columns

STRAT = ["--strata", "stype", "--weight", "pw", "--fpc", "fpc"]
STRAT_DESIGN = TaylorDesign(strata="stype", weight="pw", fpc=("fpc",))

# apistrat's weighted counts are E 4421, H 755, M 1018; the other margins below disagree or are short.
FILES = {
    "totals.csv": "variable,level,total\nstype,E,4421\nstype,H,755\nstype,M,1018\n"
    "sch.wide,No,1000\nsch.wide,Yes,5000\n",
    "types_short.csv": "stype,Freq\nE,4421\nH,755\n",
    "types.csv": "stype,Freq\nE,4421\nH,755\nM,1018\n",
    "wide.csv": "sch.wide,Freq\nNo,1072\nYes,5122\n",
    "comp.csv": "comp.imp,Freq\nNo,1712\nYes,4482\n",
    "weights.csv": "g,w,y\na,10,1\nb,0,2\na,-1,3\nb,4,5\na,3,2\n",
    "groups.csv": "g,Freq\na,10\nb,10\n",
}


@dataclass(frozen=True)
class BadInput:
    data: str  # a shared survey file, or one of FILES
    api: Callable[[Path, Path], object]  # (data, folder of FILES) -> raises
    cli: Callable[[Path, Path], list[str]]
    column: str | set[str]
    # The rows named: a list, a category of ``column`` (its rows in the data), or None when the fault
    # is not in rows (a design, a convergence).
    rows: list[int] | str | None
    message: str


def _margins_api(data: Path, folder: Path) -> object:
    return read_calibration(folder / "totals.csv")


def _missing_api(data: Path, folder: Path) -> object:
    table = PopulationTable.of("stype", {"E": 4421, "H": 755})
    return estimate(open_survey(data), CalibratedDesign(STRAT_DESIGN, (PostStratify(table),)), Mean("api00"))


def _rake_api(data: Path, folder: Path) -> object:
    margins = (
        PopulationTable.of("stype", {"E": 4421, "H": 755, "M": 1018}),
        PopulationTable.of("sch.wide", {"No": 1072, "Yes": 5122}),
        PopulationTable.of("comp.imp", {"No": 1712, "Yes": 4482}),
    )
    design = CalibratedDesign(STRAT_DESIGN, (Rake(margins, maxit=2, epsilon=1e-13),))
    return estimate(open_survey(data), design, Mean("api00"))


def _singular_api(data: Path, folder: Path) -> object:
    derived = derive_columns(open_survey(data), [("ell2", "ell * 2")])
    return svyglm(derived, STRAT_DESIGN, "api00 ~ ell + ell2")


def _weights_api(data: Path, folder: Path) -> object:
    step = PostStratify(PopulationTable.of("g", {"a": 10, "b": 10}))
    return estimate(open_survey(data), CalibratedDesign(TaylorDesign(weight="w"), (step,)), Mean("y"))


CASES = {
    "margins that do not sum": BadInput(
        "apistrat.csv",
        _margins_api,
        lambda d, f: ["estimate", str(d), *STRAT, "--calibrate", str(f / "totals.csv"), "--mean", "api00"],
        "sch.wide",
        [5, 6],  # the file's lines of the margin at fault
        "do not sum to the same total",
    ),
    "category missing from the totals": BadInput(
        "apistrat.csv",
        _missing_api,
        lambda d, f: [
            "estimate",
            str(d),
            *STRAT,
            "--poststratify",
            str(f / "types_short.csv"),
            "--mean",
            "api00",
        ],
        "stype",
        "M",  # the rows of the category without a total
        "'M'",
    ),
    "rake that does not converge": BadInput(
        "apistrat.csv",
        _rake_api,
        lambda d, f: [
            "estimate",
            str(d),
            *STRAT,
            *("--rake", str(f / "types.csv"), "--rake", str(f / "wide.csv"), "--rake", str(f / "comp.csv")),
            *("--rake-maxit", "2", "--rake-epsilon", "1e-13", "--mean", "api00"),
        ],
        {"stype", "sch.wide", "comp.imp"},
        None,
        "did not converge in 2 cycles",
    ),
    "singular regression design": BadInput(
        "apistrat.csv",
        _singular_api,
        lambda d, f: ["glm", str(d), *STRAT, "--derive", "ell2=ell * 2", "--formula", "api00 ~ ell + ell2"],
        {"ell", "ell2"},
        None,
        "singular regression design",
    ),
    "negative or zero weights": BadInput(
        "weights.csv",
        _weights_api,
        lambda d, f: [
            "estimate",
            str(d),
            "--weight",
            "w",
            "--poststratify",
            str(f / "groups.csv"),
            "--mean",
            "y",
        ],
        "w",
        [2, 3],
        "non-positive weights",
    ),
}


@pytest.fixture
def folder(tmp_path: Path, shared: Path) -> Path:
    """The bad files, and a copy of the shared survey file, alone in a folder watched for new files."""
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    shutil.copy(shared / "surveys" / "apistrat.csv", tmp_path / "apistrat.csv")
    return tmp_path


def _expected_rows(case: BadInput, data: Path) -> list[int] | None:
    """The rows the error must name: a category's first rows are read from the data file itself."""
    if not isinstance(case.rows, str):
        return case.rows
    with data.open(newline="") as handle:
        rows = [
            n for n, row in enumerate(csv.DictReader(handle), start=1) if row[str(case.column)] == case.rows
        ]
    return rows[:11]


def _check(error: SurveyInputError, case: BadInput, data: Path) -> None:
    assert case.message in str(error)
    if isinstance(case.column, set):
        assert error.column in case.column
    else:
        assert error.column == case.column
    rows = _expected_rows(case, data)
    if rows is not None:
        assert error.rows == rows


@pytest.mark.parametrize("name", list(CASES))
def test_api_names_column_and_rows(folder: Path, name: str) -> None:
    case = CASES[name]
    before = sorted(folder.iterdir())
    with pytest.raises(SurveyInputError) as err:
        case.api(folder / case.data, folder)
    _check(err.value, case, folder / case.data)
    assert sorted(folder.iterdir()) == before


@pytest.mark.parametrize("name", list(CASES))
def test_cli_names_column_and_rows_and_writes_nothing(folder: Path, name: str) -> None:
    case = CASES[name]
    before = {p: p.read_bytes() for p in folder.iterdir()}
    result = CliRunner().invoke(survey, case.cli(folder / case.data, folder))
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: "), result.output  # only the error: no estimate printed
    assert case.message in result.output
    columns = case.column if isinstance(case.column, set) else {case.column}
    assert any(f"column {c!r}" in result.output for c in columns), result.output
    rows = _expected_rows(case, folder / case.data)
    if rows:
        assert f"[rows {', '.join(str(r) for r in rows[:10])}" in result.output
    assert {p: p.read_bytes() for p in folder.iterdir()} == before
