"""R's svyglm (Gaussian and quasi-binomial; coefficients, design-based SEs, df.residual, nobs) from
survey-reference/reference-values-2.json, matched to 1e-9 relative through the Python API and
``wsis survey glm``."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wsis.cli.survey import survey
from wsis.engine.survey import SurveyInputError, TaylorDesign, open_survey
from wsis.engine.survey.glm import svyglm
from wsis.engine.survey.readers import derive_columns

RTOL = 1e-9
STRAT = TaylorDesign(strata="stype", weight="pw", fpc=("fpc",))
CLUS1 = TaylorDesign(clusters=("dnum",), weight="pw", fpc=("fpc",))
NHANES2 = TaylorDesign(strata="stratid", clusters=("psuid",), weight="finalwgt", nest=True)
NHANES = TaylorDesign(strata="SDMVSTRA", clusters=("SDMVPSU",), weight="WTMEC2YR", nest=True)

# R's update(d2, racef=factor(race), ...) and I(sch.wide == "Yes"), as derived columns.
SCHWIDE_YES = ("schwide_yes", "CASE WHEN \"sch.wide\" = 'Yes' THEN 1 ELSE 0 END")
NH2_FACTORS = (("racef", "CAST(race AS VARCHAR)"), ("regionf", "CAST(region AS VARCHAR)"))
NH_FACTORS = (("racef", "CAST(race AS VARCHAR)"), ("sexf", "CAST(RIAGENDR AS VARCHAR)"))


@dataclass(frozen=True)
class GlmCase:
    file: str
    design: TaylorDesign
    formula: str
    cli: tuple[str, ...]
    family: str = "gaussian"
    derived: tuple[tuple[str, str], ...] = ()


STRAT_ARGS = ("--strata", "stype", "--weight", "pw", "--fpc", "fpc")
CLUS1_ARGS = ("--psu", "dnum", "--weight", "pw", "--fpc", "fpc")
NH2_ARGS = ("--strata", "stratid", "--psu", "psuid", "--weight", "finalwgt", "--nest")
NH_ARGS = ("--strata", "SDMVSTRA", "--psu", "SDMVPSU", "--weight", "WTMEC2YR", "--nest")

CASES = {
    "G-S1": GlmCase("apistrat.csv", STRAT, "api00 ~ ell + meals + mobility", STRAT_ARGS),
    "G-C1": GlmCase("apiclus1.csv", CLUS1, "api00 ~ ell + meals + mobility", CLUS1_ARGS),
    "G-S2": GlmCase(
        "apistrat.csv",
        STRAT,
        "schwide_yes ~ ell + meals + mobility",
        STRAT_ARGS,
        "quasibinomial",
        (SCHWIDE_YES,),
    ),
    "G-H1": GlmCase(
        "nhanes2.csv", NHANES2, "zinc ~ highbp + racef + diabetes", NH2_ARGS, derived=NH2_FACTORS
    ),
    "G-H2": GlmCase(
        "nhanes2.csv", NHANES2, "highbp ~ racef + regionf + diabetes", NH2_ARGS, "quasibinomial", NH2_FACTORS
    ),
    "G-N1": GlmCase(
        "nhanes.csv", NHANES, "HI_CHOL ~ racef + agecat + sexf", NH_ARGS, "quasibinomial", NH_FACTORS
    ),
}


def reference(shared: Path) -> dict[str, dict[str, Any]]:
    entries = json.loads((shared / "survey-reference" / "reference-values-2.json").read_text())["entries"]
    return {e["id"]: e for e in entries}


def test_every_regression_entry_has_a_case(shared: Path) -> None:
    assert {i for i in reference(shared) if i.startswith("G-")} == set(CASES)


def check(entry: dict[str, Any], body: dict[str, Any]) -> None:
    got = {c["term"]: (c["estimate"], c["se"]) for c in body["coefficients"]}
    got["df.residual"] = (body["df_residual"], None)
    got["nobs"] = (body["nobs"], None)
    assert len(got) == len(entry["values"])
    for value in entry["values"]:
        estimate, se = got[value["label"]]
        assert math.isclose(estimate, value["estimate"], rel_tol=RTOL), (value, estimate)
        if value["se"] is not None:
            assert math.isclose(se, value["se"], rel_tol=RTOL), (value, se)


@pytest.mark.parametrize("case_id", list(CASES))
def test_api_matches_r(shared: Path, case_id: str) -> None:
    case = CASES[case_id]
    data = open_survey(shared / "surveys" / case.file)
    if case.derived:
        data = derive_columns(data, list(case.derived))
    fit = svyglm(data, case.design, case.formula, family=case.family)
    check(reference(shared)[case_id], fit.as_dict())


@pytest.mark.parametrize("case_id", list(CASES))
def test_cli_matches_r(shared: Path, case_id: str) -> None:
    case = CASES[case_id]
    args = ["glm", str(shared / "surveys" / case.file), *case.cli, "--formula", case.formula]
    args += ["--family", case.family, "--format", "json"]
    for name, expr in case.derived:
        args += ["--derive", f"{name}={expr}"]
    result = CliRunner().invoke(survey, args)
    assert result.exit_code == 0, result.output
    check(reference(shared)[case_id], json.loads(result.output))


def test_singular_design_names_the_term(shared: Path) -> None:
    data = derive_columns(open_survey(shared / "surveys" / "apistrat.csv"), [("ell2", "ell * 2")])
    with pytest.raises(SurveyInputError, match="singular") as err:
        svyglm(data, STRAT, "api00 ~ ell + ell2")
    assert err.value.column in ("ell", "ell2")


def test_response_outside_zero_one_names_rows(shared: Path) -> None:
    with pytest.raises(SurveyInputError) as err:
        svyglm(open_survey(shared / "surveys" / "apistrat.csv"), STRAT, "api00 ~ ell", family="quasibinomial")
    assert err.value.column == "api00" and err.value.rows


def test_text_response_is_refused(shared: Path) -> None:
    with pytest.raises(SurveyInputError, match="numeric") as err:
        svyglm(
            open_survey(shared / "surveys" / "apistrat.csv"), STRAT, "sch.wide ~ ell", family="quasibinomial"
        )
    assert err.value.column == "sch.wide"


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-10)


def test_intercept_only_fit_is_the_mean_on_every_design_type(shared: Path) -> None:
    """An intercept-only Gaussian fit is the weighted mean, so its design-based SE must be the mean's:
    on replicate designs (refit per replicate), built replicates and calibrated designs alike."""
    from wsis.engine.survey import (
        BuiltReplicates,
        CalibratedDesign,
        Mean,
        PopulationTable,
        PostStratify,
        ReplicateDesign,
        estimate,
    )

    clus1 = open_survey(shared / "surveys" / "apiclus1.csv")
    brr = open_survey(shared / "surveys" / "nhanes2brr_subset.csv")
    types = PopulationTable.of("stype", {"E": 4421, "H": 755, "M": 1018})
    designs = [
        (clus1, BuiltReplicates(CLUS1, "JK1"), "api00"),
        (clus1, CalibratedDesign(CLUS1, (PostStratify(types),)), "api00"),
        (clus1, CalibratedDesign(BuiltReplicates(CLUS1, "JK1"), (PostStratify(types),)), "api00"),
        (brr, ReplicateDesign("finalwgt", tuple(f"brr_{i}" for i in range(1, 33)), "BRR"), "height"),
    ]
    for data, design, variable in designs:
        (mean,) = estimate(data, design, Mean(variable))
        (intercept,) = svyglm(data, design, f"{variable} ~ 1").coefficients
        assert _same(intercept.estimate, mean.estimate), design
        assert _same(intercept.se, mean.se), design


def test_predicted_shares_of_a_saturated_model_are_the_domain_estimates(shared: Path) -> None:
    """With the factor as the only term, the prediction at each level is that domain's mean (share) and
    the delta-method SE from the coefficients' design covariance is the domain estimate's SE."""
    from wsis.engine.survey import Mean, estimate

    data = derive_columns(
        open_survey(shared / "surveys" / "apiclus1.csv"),
        [("schwide_yes", "CASE WHEN \"sch.wide\" = 'Yes' THEN 1 ELSE 0 END")],
    )
    for response, family in (("api00", "gaussian"), ("schwide_yes", "quasibinomial")):
        fit = svyglm(data, CLUS1, f"{response} ~ stype", family=family, predict_by="stype")
        domains = estimate(data, CLUS1, Mean(response), by=["stype"])
        assert [p.level for p in fit.predictions] == [d.domain["stype"] for d in domains]
        for prediction, domain in zip(fit.predictions, domains, strict=True):
            assert math.isclose(prediction.estimate, domain.estimate, rel_tol=1e-9)
            assert math.isclose(prediction.se, domain.se, rel_tol=1e-9)
            assert prediction.ci_low < prediction.estimate < prediction.ci_high


def test_predictions_on_the_command_line(shared: Path) -> None:
    args = ["glm", str(shared / "surveys" / "nhanes2.csv"), *NH2_ARGS, "--family", "quasibinomial"]
    args += ["--formula", "highbp ~ racef + regionf + diabetes", "--predict-by", "racef"]
    for name, expr in NH2_FACTORS:
        args += ["--derive", f"{name}={expr}"]
    result = CliRunner().invoke(survey, args)
    assert result.exit_code == 0, result.output
    predictions = json.loads(result.output)["predictions"]
    assert [p["level"] for p in predictions] == ["1", "2", "3"]
    assert all(0 < p["ci_low"] < p["estimate"] < p["ci_high"] < 1 for p in predictions)
    bad = CliRunner().invoke(survey, [a if a != "racef" else "diabetes" for a in args])
    assert bad.exit_code != 0 and "factor" in bad.output
