"""R's postStratify, rake, calibrate and trimWeights (survey-reference/reference-values-2.json): weights,
replicate weights, estimates and SEs matched to 1e-9 relative through the Python API and through
``wsis survey weights`` / ``wsis survey estimate``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from survey_reference2_cases import CASES, POPULATION_FILES, CalibrationCase

from wsis.cli.survey import survey
from wsis.engine.survey import Mean, Total, estimate, open_survey
from wsis.engine.survey.calibrated import calibrated_weights
from wsis.engine.survey.readers import SurveyData, derive_columns

RTOL = 1e-9
CALIBRATION_PREFIXES = ("PS-", "RK-", "CAL-", "TR-", "REP-")


def reference(shared: Path) -> dict[str, dict[str, Any]]:
    entries = json.loads((shared / "survey-reference" / "reference-values-2.json").read_text())["entries"]
    return {e["id"]: e for e in entries}


def test_every_calibration_entry_has_a_case(shared: Path) -> None:
    ids = {i for i in reference(shared) if i.startswith(CALIBRATION_PREFIXES)}
    assert len(ids) == 15
    assert ids == set(CASES)


@pytest.fixture(scope="module")
def populations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("populations")
    for name, text in POPULATION_FILES.items():
        (folder / name).write_text(text)
    return folder


def _data(shared: Path, case: CalibrationCase) -> SurveyData:
    data = open_survey(shared / "surveys" / case.file)
    return derive_columns(data, list(case.derived)) if case.derived else data


def _close(actual: float, expected: float) -> bool:
    return math.isclose(actual, expected, rel_tol=RTOL)


def _weight_value(label: str, body: dict[str, Any]) -> float:
    """R's ``weights:`` / ``repweights:`` label read from the weights command's JSON shape."""
    kind, name = label.split(":", 1)
    if kind == "weights":
        if name.startswith("w["):
            return float(body["weights"][int(name[2:-1]) - 1])
        return float(body[name])
    if name == "nrep":
        return float(body["replicates"])
    if name == "scale":
        return float(body["scale"])
    # rep2[i]: replicate 2 (R's column), row i
    column, row = name[len("rep") :].rstrip("]").split("[")
    return float(body["replicate_weights"][int(column) - 1][int(row) - 1])


def check(case: CalibrationCase, entry: dict[str, Any], weights: dict[str, Any], estimate_of: Any) -> None:
    for value in entry["values"]:
        label = value["label"]
        kind, name = label.split(":", 1)
        if kind in ("weights", "repweights"):
            got = _weight_value(label, weights)
            assert _close(got, value["estimate"]), (label, got, value)
            continue
        est, se = estimate_of(kind, case.column(name))
        assert _close(est, value["estimate"]), (label, est, value)
        assert _close(se, value["se"]), (label, se, value)


def _api_weights(data: SurveyData, case: CalibrationCase) -> dict[str, Any]:
    result = calibrated_weights(data, case.design)
    body: dict[str, Any] = {
        "sum": result.weights.sum(),
        "min": result.weights.min(),
        "max": result.weights.max(),
        "weights": result.weights,
    }
    if result.replicate_weights is not None:
        body |= {
            "replicates": result.replicate_weights.shape[1],
            "scale": result.scale,
            "replicate_weights": result.replicate_weights.T,
        }
    return body


@pytest.mark.parametrize("case_id", list(CASES))
def test_api_matches_r(shared: Path, case_id: str) -> None:
    case = CASES[case_id]
    data = _data(shared, case)

    def estimate_of(kind: str, column: str) -> tuple[float, float]:
        estimand = Mean(column) if kind == "svymean" else Total(column)
        (row,) = estimate(data, case.design, estimand)
        return row.estimate, row.se

    check(case, reference(shared)[case_id], _api_weights(data, case), estimate_of)


@pytest.mark.parametrize("case_id", list(CASES))
def test_cli_matches_r(shared: Path, populations: Path, case_id: str) -> None:
    case = CASES[case_id]
    path = str(shared / "surveys" / case.file)
    args = case.cli_args(populations)
    runner = CliRunner()
    result = runner.invoke(survey, ["weights", path, *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    weights = json.loads(result.output)

    def estimate_of(kind: str, column: str) -> tuple[float, float]:
        flag = "--mean" if kind == "svymean" else "--total"
        out = runner.invoke(survey, ["estimate", path, *args, flag, column, "--format", "json"])
        assert out.exit_code == 0, out.output
        (row,) = json.loads(out.output)
        return row["estimate"], row["se"]

    check(case, reference(shared)[case_id], weights, estimate_of)
