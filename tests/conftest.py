"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from wsis.paths import shared_data


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared/data folder. Missing it is a failure, never a skip: a skip would hide a broken path."""
    path = shared_data()
    if not (path / "README.md").is_file():
        pytest.fail(f"shared data not found at {path}; set WSIS_SHARED_DATA to the shared/data folder")
    return path
