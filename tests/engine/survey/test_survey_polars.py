"""The same estimates with the aggregation run by Polars' SQL engine instead of DuckDB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from survey_reference_cases import CASES, FILES
from test_survey_reference import check, reference_entries

from wsis.engine.survey import Mean, SurveyInputError, TaylorDesign, estimate
from wsis.engine.survey.backend import PolarsBackend

SUBSET = [
    "S1",
    "S2",
    "S3",
    "S5",
    "S7",
    "S11",
    "C4",
    "C5",
    "C8",
    "T1",
    "T3",
    "R1",
    "N5",
    "N14",
    "H7",
    "H10",
    "H13",
    "B1",
    "B2",
    "J1",
    "BS2",
]


def polars_frame(path: Path) -> pl.DataFrame:
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    # Yes/No stay text as in R; NA is missing.
    return pl.read_csv(path, null_values=["NA"], infer_schema_length=None)


@pytest.mark.parametrize("case_id", SUBSET)
def test_polars_matches_r(shared: Path, case_id: str) -> None:
    case = CASES[(case_id, 0)]
    path = shared / "surveys" / FILES[case.file]
    backend = PolarsBackend(polars_frame(path), source=str(path))
    ci = case.kind.split(":", 1)[1] if case.kind.startswith("ci:") else "wald"

    def rows(level: Any) -> list[dict[str, Any]]:
        found = estimate(backend, case.design, case.make(level), by=case.by, where=case.where, ci=ci)
        return [json.loads(json.dumps(r.as_row(), default=str)) for r in found]

    check(case, reference_entries(shared)[(case_id, 0)], rows)


def test_polars_reports_missing_weights_with_rows() -> None:
    frame = pl.DataFrame(
        {"s": ["a", "a", "b", "b"], "psu": [1, 2, 3, 4], "w": [1.0, None, 2.0, 2.0], "y": [0, 1, 1, 0]}
    )
    with pytest.raises(SurveyInputError) as err:
        estimate(PolarsBackend(frame), TaylorDesign("s", ("psu",), "w"), Mean("y"))
    assert err.value.column == "w" and err.value.rows == [2]
