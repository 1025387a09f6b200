"""ITU household indicators from a YAML spec: the table equals the design-based estimates it promises."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from wsis.cli.survey import survey
from wsis.engine.survey import Proportion, SurveyInputError, TaylorDesign, estimate, open_survey
from wsis.engine.survey.itu_indicators import indicator_table, load_spec

REPO = Path(__file__).resolve().parents[3]
DHS_SPEC = REPO / "docs" / "survey" / "itu-indicators-dhs-model.yaml"
DHS = TaylorDesign("v022", ("v021",), "v005", nest=True, lonely_psu="adjust")


def test_dhs_spec_matches_direct_estimates(shared: Path) -> None:
    path = shared / "surveys" / "dhs_model_zzir.parquet"
    rows = indicator_table(open_survey(path), load_spec(DHS_SPEC))
    assert {r["indicator"] for r in rows} == {"HH1", "HH2", "HH3"}
    assert {tuple(r["disaggregation"]) for r in rows} == {(), ("v025",), ("v190",), ("v025", "age_group")}
    by_area = {
        r["domain"]["v025"]: r for r in rows if r["indicator"] == "HH2" and r["disaggregation"] == ["v025"]
    }
    direct = estimate(
        open_survey(path),
        DHS,
        Proportion("v121", "yes"),
        by=["v025"],
        where="v012 BETWEEN 15 AND 49",
        ci="logit",
    )
    assert len(direct) == 2
    for d in direct:
        row = by_area[d.domain["v025"]]
        assert math.isclose(row["estimate"], 100 * d.estimate, rel_tol=1e-12)
        assert math.isclose(row["se"], 100 * d.se, rel_tol=1e-12)
        assert math.isclose(row["ci_low"], 100 * d.ci_low, rel_tol=1e-12)
        assert row["reference_period"] == "at the time of the interview"
        assert row["n"] == d.n


def test_element_design_spec_through_the_cli(shared: Path, tmp_path: Path) -> None:
    spec = tmp_path / "brfss.yaml"
    spec.write_text(
        "survey: Michigan BRFSS\n"
        "design: {weight: WEIGHT}\n"
        "disaggregations: [[], [GENDER]]\n"
        "ci: clopper-pearson\n"
        "indicators:\n"
        "  - {code: HH6, name: Home Internet, condition: 'INETHOME = 1', universe: 'INETHOME IN (1, 2)',\n"
        "     reference_period: at the interview, unit: proportion}\n"
    )
    path = shared / "surveys" / "mibrfss.parquet"
    result = CliRunner().invoke(survey, ["indicators", "--spec", str(spec), str(path)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["disaggregation"] for r in rows] == [[], ["GENDER"], ["GENDER"]]
    (total,) = estimate(
        open_survey(path),
        TaylorDesign(weight="WEIGHT"),
        Proportion("INETHOME", 1),
        where="INETHOME IN (1, 2)",
        ci="clopper-pearson",
    )
    assert math.isclose(rows[0]["estimate"], total.estimate, rel_tol=1e-12)
    assert math.isclose(rows[0]["ci_high"], total.ci_high, rel_tol=1e-12)
    result = CliRunner().invoke(survey, ["indicators", "--spec", str(spec), str(path), "--format", "csv"])
    assert result.exit_code == 0 and result.output.splitlines()[0].startswith("indicator,name,survey")


def test_spec_errors_name_entry_and_field(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("design: {weight: w}\nindicators:\n  - {code: HH7, name: Internet use}\n")
    with pytest.raises(SurveyInputError) as err:
        load_spec(spec)
    assert "indicators[0].condition" in str(err.value) and "bad.yaml" in str(err.value)
    spec.write_text("design: {weight: w, lonely: x}\nindicators: [{code: a, name: b, condition: c}]\n")
    with pytest.raises(SurveyInputError) as err:
        load_spec(spec)
    assert "design" in str(err.value) and "lonely" in str(err.value)


def test_bad_condition_names_the_problem(shared: Path, tmp_path: Path) -> None:
    spec = tmp_path / "cond.yaml"
    spec.write_text(
        "design: {weight: WEIGHT}\nindicators: [{code: HH6, name: x, condition: 'NO_SUCH_COLUMN = 1'}]\n"
    )
    with pytest.raises(SurveyInputError) as err:
        indicator_table(open_survey(shared / "surveys" / "mibrfss.parquet"), load_spec(spec))
    assert "NO_SUCH_COLUMN" in str(err.value)
