"""The same estimates on local PySpark, for a subset of the reference entries: the same numbers.

PySpark is an optional extra (it needs Java 17); CI installs it, so a missing PySpark fails here rather
than skipping.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from survey_reference_cases import CASES, FILES
from test_survey_reference import check, reference_entries

from wsis.engine.survey import Mean, SurveyInputError, TaylorDesign, estimate, open_survey
from wsis.engine.survey.backend import SparkBackend

SUBSET = ["S1", "S7", "C8", "T1", "N2", "N14", "B1", "H10"]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("wsis-survey-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def spark_frame(spark: Any, path: Path) -> Any:
    if path.suffix == ".parquet":
        return spark.read.parquet(str(path))
    return spark.read.csv(str(path), header=True, inferSchema=True, nullValue="NA")


@pytest.mark.parametrize("case_id", SUBSET)
def test_spark_matches_r_and_duckdb(shared: Path, spark: Any, case_id: str) -> None:
    case = CASES[(case_id, 0)]
    path = shared / "surveys" / FILES[case.file]
    backend = SparkBackend(spark_frame(spark, path), source=str(path))
    ci = case.kind.split(":", 1)[1] if case.kind.startswith("ci:") else "wald"

    def rows(level: Any, data: Any) -> list[dict[str, Any]]:
        found = estimate(data, case.design, case.make(level), by=case.by, where=case.where, ci=ci)
        return [json.loads(json.dumps(r.as_row(), default=str)) for r in found]

    entry = reference_entries(shared)[(case_id, 0)]
    check(case, entry, lambda level: rows(level, backend))
    duck = open_survey(path)
    levels = {case.parse(v["label"])[1] for v in entry["values"]} if case.kind == "estimate" else {None}
    for level in levels:
        for a, b in zip(rows(level, backend), rows(level, duck), strict=True):
            assert {k: str(v) for k, v in a["domain"].items()} == {k: str(v) for k, v in b["domain"].items()}
            assert math.isclose(a["estimate"], b["estimate"], rel_tol=1e-12)
            assert math.isclose(a["se"], b["se"], rel_tol=1e-9, abs_tol=1e-15)


def test_spark_reports_bad_weights_with_rows(spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("s,psu,w,y\na,1,1,0\na,2,0,1\nb,3,2,1\nb,4,2,0\n")
    backend = SparkBackend(spark_frame(spark, path), source=str(path))
    with pytest.raises(SurveyInputError) as err:
        estimate(backend, TaylorDesign("s", ("psu",), "w"), Mean("y"))
    assert err.value.column == "w" and err.value.rows == [2]
