"""Fixtures for the reference tests: read one shipped file, build a Knowledge from some of them.

The full loader needs every file; these let a test check action lines, SDGs and the matrix with the real
cross-file rules of :mod:`wsis.reference.checks` on just those three files.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from wsis.reference import loader
from wsis.reference.loader import Knowledge, Problem
from wsis.reference.schema import ActionLinesFile, CrosswalkFile, MatrixFile, SdgFile

M = TypeVar("M", bound=BaseModel)


def read(name: str, model: type[M], directory: Path = loader.PACKAGE_DATA) -> M:
    problems: list[Problem] = []
    parsed = loader._read(directory / name, model, problems)
    assert parsed is not None and not problems, "\n".join(str(p) for p in problems)
    return parsed


def knowledge(
    lines: ActionLinesFile | None = None,
    sdg: SdgFile | None = None,
    matrix: MatrixFile | None = None,
    crosswalk: CrosswalkFile | None = None,
) -> Knowledge:
    """A Knowledge of the four files (shipped ones unless given); other files' parts stay empty."""
    lines = lines or read("action_lines.yaml", ActionLinesFile)
    sdg = sdg or read("sdg.yaml", SdgFile)
    matrix = matrix or read("wsis_sdg_matrix.yaml", MatrixFile)
    crosswalk = crosswalk or read("action_line_crosswalk.yaml", CrosswalkFile)
    return Knowledge(
        directory=loader.PACKAGE_DATA,
        versions={},
        action_lines={line.code: line for line in lines.lines},
        goals={g.code: g for g in sdg.goals},
        targets={t.code: t for t in sdg.targets},
        sdg_indicators={i.code: i for i in sdg.indicators},
        matrix=matrix,
        regions={},
        economies={},
        groups={},
        memberships=[],
        indicators={},
        connectivity_targets={},
        crosswalk=crosswalk,
    )


@pytest.fixture(scope="session")
def read_reference() -> Callable[..., Any]:
    """``read_reference(name, Model)``: one shipped file, validated; any problem fails the test."""
    return read


@pytest.fixture(scope="session")
def knowledge_of() -> Callable[..., Knowledge]:
    """``knowledge_of(lines=..., sdg=..., matrix=..., crosswalk=...)``: Knowledge of those files (default:
    shipped)."""
    return knowledge


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A copy of the shipped reference files, for tests that break one of them."""
    target = tmp_path / "reference"
    shutil.copytree(loader.PACKAGE_DATA, target)
    return target
