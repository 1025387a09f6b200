"""Fixtures of the measurement tests."""

from __future__ import annotations

import polars as pl
import pytest
from measure_fixtures import idi_frame


@pytest.fixture
def idi_values() -> pl.DataFrame:
    """The published raw 2022 values of Finland, Brazil, Kenya and Rwanda as a tidy frame."""
    return idi_frame()
