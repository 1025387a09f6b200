"""R's svytable, svychisq (Rao-Scott F and Chisq) and svyttest from survey-reference/reference-values-2.json,
matched to 1e-9 relative through the Python API and ``wsis survey table|chisq|ttest``."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wsis.cli.survey import survey
from wsis.engine.survey import SurveyInputError, TaylorDesign, open_survey
from wsis.engine.survey.readers import derive_columns
from wsis.engine.survey.tables import svychisq, svytable, svyttest

RTOL = 1e-9
STRAT = TaylorDesign(strata="stype", weight="pw", fpc=("fpc",))
CLUS1 = TaylorDesign(clusters=("dnum",), weight="pw", fpc=("fpc",))
NHANES2 = TaylorDesign(strata="stratid", clusters=("psuid",), weight="finalwgt", nest=True)
NHANES = TaylorDesign(strata="SDMVSTRA", clusters=("SDMVPSU",), weight="WTMEC2YR", nest=True)
ARGS = {
    "apistrat.csv": ("--strata", "stype", "--weight", "pw", "--fpc", "fpc"),
    "apiclus1.csv": ("--psu", "dnum", "--weight", "pw", "--fpc", "fpc"),
    "nhanes2.csv": ("--strata", "stratid", "--psu", "psuid", "--weight", "finalwgt", "--nest"),
    "nhanes.csv": ("--strata", "SDMVSTRA", "--psu", "SDMVPSU", "--weight", "WTMEC2YR", "--nest"),
}
DESIGNS = {"apistrat.csv": STRAT, "apiclus1.csv": CLUS1, "nhanes2.csv": NHANES2, "nhanes.csv": NHANES}


@dataclass(frozen=True)
class TableCase:
    kind: str  # table | chisq | ttest
    file: str
    first: str  # row variable, or the response
    second: str | None  # column variable, or the group
    statistic: str = "F"
    derived: tuple[tuple[str, str], ...] = ()


# R's factor(HI_CHOL), factor(race), factor(highbp), factor(region) have the codes as levels, so the
# columns themselves serve; I(api00 - api99) is a derived column.
CASES = {
    "TB-S1": TableCase("table", "apistrat.csv", "sch.wide", "stype"),
    "TB-N1": TableCase("table", "nhanes.csv", "HI_CHOL", "race"),
    "CH-S1": TableCase("chisq", "apistrat.csv", "sch.wide", "stype", "F"),
    "CH-S2": TableCase("chisq", "apistrat.csv", "sch.wide", "stype", "Chisq"),
    "CH-N1": TableCase("chisq", "nhanes.csv", "HI_CHOL", "race", "F"),
    "CH-N2": TableCase("chisq", "nhanes.csv", "HI_CHOL", "race", "Chisq"),
    "CH-H1": TableCase("chisq", "nhanes2.csv", "highbp", "region", "F"),
    "TT-S1": TableCase("ttest", "apistrat.csv", "api00", "sch.wide"),
    "TT-C1": TableCase("ttest", "apiclus1.csv", "gain", None, derived=(("gain", "api00 - api99"),)),
    "TT-H1": TableCase("ttest", "nhanes2.csv", "zinc", "highbp"),
}


def reference(shared: Path) -> dict[str, dict[str, Any]]:
    entries = json.loads((shared / "survey-reference" / "reference-values-2.json").read_text())["entries"]
    return {e["id"]: e for e in entries}


def test_every_table_and_test_entry_has_a_case(shared: Path) -> None:
    assert {i for i in reference(shared) if i.startswith(("TB-", "CH-", "TT-"))} == set(CASES)


def values(case: TableCase, body: Any) -> dict[str, tuple[float, float | None]]:
    """Our output under R's labels."""
    if case.kind == "table":
        return {c["label"]: (c["total"], None) for c in body}
    if case.kind == "chisq":
        if body["statistic"] == "F":
            return {
                "F": (body["value"], None),
                "ndf": (body["ndf"], None),
                "ddf": (body["ddf"], None),
                "p.value": (body["p_value"], None),
            }
        return {
            "X-squared": (body["value"], None),
            "df": (body["ndf"], None),
            "p.value": (body["p_value"], None),
        }
    return {
        "estimate": (body["estimate"], body["se"]),
        "t": (body["t"], None),
        "df": (body["df"], None),
        "p.value": (body["p_value"], None),
        "ci.lower": (body["ci_low"], None),
        "ci.upper": (body["ci_high"], None),
    }


def check(case: TableCase, entry: dict[str, Any], body: Any) -> None:
    got = values(case, body)
    assert len(got) == len(entry["values"])
    for value in entry["values"]:
        estimate, se = got[value["label"]]
        assert math.isclose(estimate, value["estimate"], rel_tol=RTOL), (value, estimate)
        if value["se"] is not None:
            assert se is not None and math.isclose(se, value["se"], rel_tol=RTOL), (value, se)


def api_body(shared: Path, case: TableCase) -> Any:
    data = open_survey(shared / "surveys" / case.file)
    if case.derived:
        data = derive_columns(data, list(case.derived))
    design = DESIGNS[case.file]
    if case.kind == "table":
        assert case.second is not None
        return [
            {"label": c.label(), "total": c.total} for c in svytable(data, design, case.first, case.second)
        ]
    if case.kind == "chisq":
        assert case.second is not None
        return asdict(svychisq(data, design, case.first, case.second, case.statistic))
    return asdict(svyttest(data, design, case.first, case.second))


@pytest.mark.parametrize("case_id", list(CASES))
def test_api_matches_r(shared: Path, case_id: str) -> None:
    case = CASES[case_id]
    check(case, reference(shared)[case_id], api_body(shared, case))


@pytest.mark.parametrize("case_id", list(CASES))
def test_cli_matches_r(shared: Path, case_id: str) -> None:
    case = CASES[case_id]
    args = [case.kind, str(shared / "surveys" / case.file), *ARGS[case.file], "--format", "json"]
    if case.kind == "ttest":
        args += ["--response", case.first] + (["--group", case.second] if case.second else [])
    else:
        assert case.second is not None
        args += ["--rows", case.first, "--columns", case.second]
    if case.kind == "chisq":
        args += ["--statistic", case.statistic]
    for name, expr in case.derived:
        args += ["--derive", f"{name}={expr}"]
    result = CliRunner().invoke(survey, args)
    assert result.exit_code == 0, result.output
    check(case, reference(shared)[case_id], json.loads(result.output))


def test_ttest_needs_two_groups(shared: Path) -> None:
    with pytest.raises(SurveyInputError, match="two groups") as err:
        svyttest(open_survey(shared / "surveys" / "apistrat.csv"), STRAT, "api00", "stype")
    assert err.value.column == "stype"


def test_chisq_needs_two_categories(shared: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("w,a,b\n1,x,p\n2,x,q\n3,x,p\n")
    with pytest.raises(SurveyInputError, match="two categories") as err:
        svychisq(open_survey(path), TaylorDesign(weight="w"), "a", "b")
    assert err.value.column == "a"
