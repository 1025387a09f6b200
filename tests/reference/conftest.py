"""Fixtures for the reference tests: read one shipped file, build a Knowledge from some of them.

The full loader needs every file; these let a test check action lines, SDGs and the matrix with the real
cross-file rules of :mod:`wsis.reference.checks` on just those three files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from wsis.reference import loader
from wsis.reference.loader import Knowledge, Problem
from wsis.reference.schema import ActionLinesFile, MatrixFile, SdgFile

M = TypeVar("M", bound=BaseModel)


def read(name: str, model: type[M], directory: Path = loader.PACKAGE_DATA) -> M:
    problems: list[Problem] = []
    parsed = loader._read(directory / name, model, problems)
    assert parsed is not None and not problems, "\n".join(str(p) for p in problems)
    return parsed


def knowledge(
    lines: ActionLinesFile | None = None, sdg: SdgFile | None = None, matrix: MatrixFile | None = None
) -> Knowledge:
    """A Knowledge of the three files (shipped ones unless given); other files' parts stay empty."""
    lines = lines or read("action_lines.yaml", ActionLinesFile)
    sdg = sdg or read("sdg.yaml", SdgFile)
    matrix = matrix or read("wsis_sdg_matrix.yaml", MatrixFile)
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
    )


@pytest.fixture(scope="session")
def read_reference() -> Callable[..., Any]:
    """``read_reference(name, Model)``: one shipped file, validated; any problem fails the test."""
    return read


@pytest.fixture(scope="session")
def knowledge_of() -> Callable[..., Knowledge]:
    """``knowledge_of(lines=..., sdg=..., matrix=...)``: Knowledge of those files (default: shipped)."""
    return knowledge
