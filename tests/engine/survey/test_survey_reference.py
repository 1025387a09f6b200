"""Every estimate and SE of R's survey package in survey-reference/ matched to 1e-9 relative, through
the Python API and through the ``wsis survey estimate`` command line."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from survey_reference_cases import CASES, FILES, Case

from wsis.cli.survey import survey
from wsis.engine.survey import (
    BuiltReplicates,
    Mean,
    Proportion,
    Ratio,
    ReplicateDesign,
    TaylorDesign,
    Total,
    estimate,
    open_survey,
)

RTOL = 1e-9


def reference_entries(shared: Path) -> dict[tuple[str, int], dict[str, Any]]:
    entries = json.loads((shared / "survey-reference" / "reference-values.json").read_text())["entries"]
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for entry in entries:
        k = 0
        while (entry["id"], k) in out:
            k += 1
        out[(entry["id"], k)] = entry
    return out


def close(actual: float | None, expected: float, scale: float = 1.0, rtol: float = RTOL) -> bool:
    """1e-9 relative; a reference of exactly 0 allows 1e-12 of the estimate's scale."""
    if actual is None:
        return False
    if expected == 0:
        return abs(actual) <= 1e-12 * max(abs(scale), 1.0)
    return math.isclose(actual, expected, rel_tol=rtol)


# R's profile-likelihood bounds come from a spline through a profiled grid (see docs/survey-conventions.md).
SPLINE_RTOL = 1e-5


def test_every_reference_entry_has_a_case(shared: Path) -> None:
    entries = reference_entries(shared)
    assert len(entries) == 75
    assert sum(len(e["values"]) for e in entries.values()) == 144
    assert set(entries) == set(CASES)


def ci_method(kind: str) -> str:
    return kind.split(":", 1)[1]


@cache
def _data(path: str) -> Any:
    return open_survey(path)


def api_rows(shared: Path, case: Case, level: Any) -> list[dict[str, Any]]:
    path = str(shared / "surveys" / FILES[case.file])
    ci = ci_method(case.kind) if case.kind.startswith("ci:") else "wald"
    rows = estimate(_data(path), case.design, case.make(level), by=case.by, where=case.where, ci=ci)
    return [r.as_row() for r in rows]


def cli_args(case: Case, level: Any) -> list[str]:
    """The command line that states the same design and estimand as ``case``."""
    design = case.design
    args: list[str] = []
    taylor = design.base if isinstance(design, BuiltReplicates) else design
    if isinstance(taylor, TaylorDesign):
        if taylor.strata:
            args += ["--strata", taylor.strata]
        if taylor.clusters:
            args += ["--psu", ",".join(taylor.clusters)]
        if taylor.weight:
            args += ["--weight", taylor.weight]
        if taylor.fpc:
            args += ["--fpc", ",".join(taylor.fpc)]
        if taylor.nest:
            args.append("--nest")
    if isinstance(design, BuiltReplicates):
        args += ["--type", design.type]
        if design.rho:
            args += ["--rho", str(design.rho)]
    if isinstance(design, ReplicateDesign):
        prefix = design.replicate_weights[0].rstrip("0123456789")
        args += [
            "--weight",
            str(design.weight),
            "--replicate-weights",
            f"^{prefix}[0-9]+$",
            "--type",
            design.type,
        ]
        if design.scale is not None and design.type not in ("BRR", "Fay"):
            args += ["--scale", repr(design.scale)]
        if design.rscales is not None:
            args += ["--rscales", repr(design.rscales)]
        if design.mse:
            args.append("--mse")
    estimand = case.make(level)
    if isinstance(estimand, Mean):
        args += ["--mean", estimand.variable]
    elif isinstance(estimand, Total):
        args += ["--total", estimand.variable]
    elif isinstance(estimand, Proportion):
        args += ["--proportion", f"{estimand.variable}={estimand.level}"]
    elif isinstance(estimand, Ratio):
        args += ["--ratio", f"{estimand.numerator}/{estimand.denominator}"]
    if case.by:
        args += ["--by", ",".join(case.by)]
    if case.where:
        args += ["--where", case.where]
    if case.kind.startswith("ci:"):
        args += ["--ci", ci_method(case.kind)]
    return args


def cli_rows(shared: Path, case: Case, level: Any) -> list[dict[str, Any]]:
    path = str(shared / "surveys" / FILES[case.file])
    result = CliRunner().invoke(survey, ["estimate", path, *cli_args(case, level), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def check(case: Case, entry: dict[str, Any], rows_for: Any) -> None:
    values = entry["values"]
    if case.kind == "estimate":
        for value in values:
            dom, level = case.parse(value["label"])
            rows = rows_for(level)
            match = [r for r in rows if tuple(str(v) for v in r["domain"].values()) == dom]
            assert len(match) == 1, (value["label"], [r["domain"] for r in rows])
            row = match[0]
            assert close(row["estimate"], value["estimate"]), (value, row)
            assert close(row["se"], value["se"], row["estimate"]), (value, row)
        return
    (row,) = rows_for(None)
    if case.kind in ("deff", "deff_replace"):
        assert close(row[case.kind], values[0]["estimate"]), (values, row)
    elif case.kind == "df":
        assert row["df"] == values[0]["estimate"]
    elif case.kind == "nrow":
        assert row["n"] == values[0]["estimate"]
    elif case.kind == "replicates":
        assert len(case.design.replicate_weights) == values[0]["estimate"]
    elif case.kind.startswith("ci:"):
        expected = {v["label"]: v["estimate"] for v in values}
        if "p" in expected:
            assert close(row["estimate"], expected["p"]), (expected, row)
        rtol = SPLINE_RTOL if case.kind == "ci:likelihood" else RTOL
        assert close(row["ci_low"], expected["lower"], rtol=rtol), (expected, row)
        assert close(row["ci_high"], expected["upper"], rtol=rtol), (expected, row)
    else:
        raise AssertionError(case.kind)


IDS = [f"{k[0]}-{k[1]}" if k[1] else k[0] for k in CASES]


@pytest.mark.parametrize("key", list(CASES), ids=IDS)
def test_api_matches_r(shared: Path, key: tuple[str, int]) -> None:
    case = CASES[key]
    entry = reference_entries(shared)[key]
    check(case, entry, lambda level: api_rows(shared, case, level))


@pytest.mark.parametrize("key", list(CASES), ids=IDS)
def test_cli_matches_r(shared: Path, key: tuple[str, int]) -> None:
    case = CASES[key]
    entry = reference_entries(shared)[key]
    check(case, entry, lambda level: cli_rows(shared, case, level))
