"""R's svyquantile (survey >= 4.1 defaults: qrule "math", Woodruff interval, CI and SE; and qrule "hf7";
by domain through svyby) from survey-reference/reference-values-2.json, matched to 1e-9 relative through
the Python API and ``wsis survey quantile``."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wsis.cli.survey import survey
from wsis.engine.survey import TaylorDesign, open_survey
from wsis.engine.survey.quantiles import svyquantile
from wsis.engine.survey.readers import derive_columns

RTOL = 1e-9
PROBS = (0.1, 0.5, 0.9)
STRAT = TaylorDesign(strata="stype", weight="pw", fpc=("fpc",))
CLUS1 = TaylorDesign(clusters=("dnum",), weight="pw", fpc=("fpc",))
AGSTRAT = TaylorDesign(strata="region", weight="strwt", fpc=("N",))
NHANES2 = TaylorDesign(strata="stratid", clusters=("psuid",), weight="finalwgt", nest=True)
# R: agstrat$N <- c(NC=1054, NE=220, S=1382, W=422)[as.character(agstrat$region)]
AG_N = ("N", "CASE region WHEN 'NC' THEN 1054 WHEN 'NE' THEN 220 WHEN 'S' THEN 1382 WHEN 'W' THEN 422 END")


@dataclass(frozen=True)
class QuantileCase:
    file: str
    design: TaylorDesign
    variables: tuple[str, ...]
    cli: tuple[str, ...]
    rule: str = "math"
    by: tuple[str, ...] = ()
    derived: tuple[tuple[str, str], ...] = ()


STRAT_ARGS = ("--strata", "stype", "--weight", "pw", "--fpc", "fpc")
CLUS1_ARGS = ("--psu", "dnum", "--weight", "pw", "--fpc", "fpc")
AG_ARGS = ("--strata", "region", "--weight", "strwt", "--fpc", "N")
NH2_ARGS = ("--strata", "stratid", "--psu", "psuid", "--weight", "finalwgt", "--nest")

CASES = {
    "Q-S1": QuantileCase("apistrat.csv", STRAT, ("api00",), STRAT_ARGS),
    "Q-S2": QuantileCase("apistrat.csv", STRAT, ("api00",), STRAT_ARGS, rule="hf7"),
    "Q-S3": QuantileCase("apistrat.csv", STRAT, ("api00",), STRAT_ARGS, by=("stype",)),
    "Q-C1": QuantileCase("apiclus1.csv", CLUS1, ("enroll", "api00"), CLUS1_ARGS),
    "Q-A1": QuantileCase("agstrat.csv", AGSTRAT, ("acres92",), AG_ARGS, derived=(AG_N,)),
    "Q-H1": QuantileCase("nhanes2.csv", NHANES2, ("zinc",), NH2_ARGS),
    "Q-A2": QuantileCase("agstrat.csv", AGSTRAT, ("acres92",), AG_ARGS, rule="hf7", derived=(AG_N,)),
}


def reference(shared: Path) -> dict[str, dict[str, Any]]:
    entries = json.loads((shared / "survey-reference" / "reference-values-2.json").read_text())["entries"]
    return {e["id"]: e for e in entries}


def test_every_quantile_entry_has_a_case(shared: Path) -> None:
    assert {i for i in reference(shared) if i.startswith("Q-")} == set(CASES)


def label(case: QuantileCase, variable: str, row: dict[str, Any]) -> str:
    """R's label of a row: ``api00:0.1`` or, by domain, ``E:api00.0.1``."""
    if case.by:
        return f"{next(iter(row['domain'].values()))}:{variable}.{row['probability']}"
    return f"{variable}:{row['probability']}"


def check(case: QuantileCase, entry: dict[str, Any], rows_for: Any) -> None:
    got: dict[str, tuple[float | None, float | None]] = {}
    for variable in case.variables:
        for row in rows_for(variable):
            key = label(case, variable, row)
            got[key] = (row["estimate"], row["se"])
            got[f"{key}:ci.lower"] = (row["ci_low"], None)
            got[f"{key}:ci.upper"] = (row["ci_high"], None)
    for value in entry["values"]:
        estimate, se = got[value["label"]]
        assert estimate is not None and math.isclose(estimate, value["estimate"], rel_tol=RTOL), (
            value,
            estimate,
        )
        if value["se"] is not None:
            assert se is not None and math.isclose(se, value["se"], rel_tol=RTOL), (value, se)


@pytest.mark.parametrize("case_id", list(CASES))
def test_api_matches_r(shared: Path, case_id: str) -> None:
    case = CASES[case_id]
    data = open_survey(shared / "surveys" / case.file)
    if case.derived:
        data = derive_columns(data, list(case.derived))

    def rows_for(variable: str) -> list[dict[str, Any]]:
        return [
            r.as_row() for r in svyquantile(data, case.design, variable, PROBS, by=case.by, rule=case.rule)
        ]

    check(case, reference(shared)[case_id], rows_for)


@pytest.mark.parametrize("case_id", list(CASES))
def test_cli_matches_r(shared: Path, case_id: str) -> None:
    case = CASES[case_id]
    args = ["quantile", str(shared / "surveys" / case.file), *case.cli, "--qrule", case.rule]
    args += ["--probs", ",".join(str(p) for p in PROBS), "--format", "json"]
    for name, expr in case.derived:
        args += ["--derive", f"{name}={expr}"]
    if case.by:
        args += ["--by", ",".join(case.by)]

    def rows_for(variable: str) -> list[dict[str, Any]]:
        result = CliRunner().invoke(survey, [*args, "--variable", variable])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    check(case, reference(shared)[case_id], rows_for)


def test_quantile_errors_name_the_column(shared: Path) -> None:
    from wsis.engine.survey import SurveyInputError

    data = open_survey(shared / "surveys" / "apistrat.csv")
    with pytest.raises(SurveyInputError) as err:
        svyquantile(data, STRAT, "sch.wide", [0.5])
    assert err.value.column == "sch.wide"
    with pytest.raises(SurveyInputError, match="outside"):
        svyquantile(data, STRAT, "api00", [1.5])
    with pytest.raises(SurveyInputError, match="qrule|rule"):
        svyquantile(data, STRAT, "api00", [0.5], rule="hf10")


def test_quantiles_on_calibrated_and_replicate_designs(shared: Path) -> None:
    """Post-stratifying to the sample's own weighted counts leaves every weight as it was, so the
    quantiles are the uncalibrated ones; the interval then comes from the calibrated design's CDF. On
    built replicates the quantile is the same and the CDF's SE comes from the replicates."""
    from wsis.engine.survey import BuiltReplicates, CalibratedDesign, PopulationTable, PostStratify

    data = open_survey(shared / "surveys" / "apiclus1.csv")
    own = {"E": 0.0, "H": 0.0, "M": 0.0}
    for stype, pw in data.connection.execute(
        f'SELECT stype, SUM(pw) FROM "{data.view}" GROUP BY 1'
    ).fetchall():
        own[stype] = pw
    calibrated = CalibratedDesign(CLUS1, (PostStratify(PopulationTable.of("stype", own)),))
    plain = svyquantile(data, CLUS1, "api00", PROBS)
    for design in (calibrated, BuiltReplicates(CLUS1, "JK1")):
        rows = svyquantile(data, design, "api00", PROBS)
        assert [r.estimate for r in rows] == [r.estimate for r in plain]
        assert all(r.se > 0 for r in rows)
