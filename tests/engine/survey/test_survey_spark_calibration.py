"""Calibration and regression on local PySpark, for a subset of reference-values-2.json: the same numbers
as R (and so as DuckDB). PySpark is an optional extra that CI installs; missing it fails, never skips."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from survey_reference2_cases import CASES as CALIBRATION
from test_survey_calibration_reference import check as check_calibration
from test_survey_calibration_reference import reference
from test_survey_glm_reference import CASES as REGRESSION
from test_survey_glm_reference import check as check_regression

from wsis.engine.survey import Mean, Total, estimate
from wsis.engine.survey.backend import SparkBackend
from wsis.engine.survey.calibrated import calibrated_weights
from wsis.engine.survey.glm import svyglm

CALIBRATION_SUBSET = ["PS-C1", "RK-C1", "CAL-C1", "CAL-C4", "REP-C2"]
REGRESSION_SUBSET = ["G-S1", "G-C1"]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("wsis-survey-calibration-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def backend(spark: Any, path: Path) -> SparkBackend:
    frame = spark.read.csv(str(path), header=True, inferSchema=True, nullValue="NA")
    return SparkBackend(frame, source=str(path))


@pytest.mark.parametrize("case_id", CALIBRATION_SUBSET)
def test_calibration_on_spark_matches_r(shared: Path, spark: Any, case_id: str) -> None:
    case = CALIBRATION[case_id]
    data = backend(spark, shared / "surveys" / case.file)
    result = calibrated_weights(data, case.design)
    weights: dict[str, Any] = {
        "sum": result.weights.sum(),
        "min": result.weights.min(),
        "max": result.weights.max(),
        "weights": result.weights,
    }
    if result.replicate_weights is not None:
        weights |= {
            "replicates": result.replicate_weights.shape[1],
            "scale": result.scale,
            "replicate_weights": result.replicate_weights.T,
        }

    def estimate_of(kind: str, column: str) -> tuple[float, float]:
        (row,) = estimate(data, case.design, Mean(column) if kind == "svymean" else Total(column))
        return row.estimate, row.se

    check_calibration(case, reference(shared)[case_id], weights, estimate_of)


@pytest.mark.parametrize("case_id", REGRESSION_SUBSET)
def test_regression_on_spark_matches_r(shared: Path, spark: Any, case_id: str) -> None:
    case = REGRESSION[case_id]
    fit = svyglm(
        backend(spark, shared / "surveys" / case.file), case.design, case.formula, family=case.family
    )
    body = json.loads(json.dumps(fit.as_dict()))
    check_regression(reference(shared)[case_id], body)
    assert math.isfinite(body["deviance"])
