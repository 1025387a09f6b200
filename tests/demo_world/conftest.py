"""The demonstration world and the real one (issue 13): tests on the real database of the run, with the
real shared files and the engine's synthetic dataset loaded exactly as `wsis demo load` loads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import django_db_setup  # noqa: F401 - the session fixture, shared

#: ITU's Internet-use file: Kenya has real figures for 2000-2019 and 2024, none for 2020-2023 - the
#: years where the synthetic set used to draw a peak that never happened.
INTERNET_USE = "itu-datahub/individuals_using_internet.csv"


@pytest.fixture
def internet_use(shared: Path) -> Path:
    path = shared / INTERNET_USE
    assert path.is_file(), f"missing {path}"
    return path
