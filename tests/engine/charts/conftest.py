"""Real values for the chart tests: Internet use (% of population) from the shared World Bank file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from wsis.reference.loader import knowledge

WB_INTERNET = "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"


def _internet_use(shared: Path) -> dict[str, dict[int, float]]:
    """ISO3 -> year -> value, economies only (the file also holds regional aggregates)."""
    economies = set(knowledge().economies)
    with (shared / WB_INTERNET).open(encoding="utf-8-sig", newline="") as handle:
        lines = handle.read().splitlines()
    # The World Bank CSV opens with four lines of preamble before its header.
    start = next(
        i
        for i, line in enumerate(lines)
        if line.startswith('"Country Name"') or line.startswith("Country Name")
    )
    series: dict[str, dict[int, float]] = {}
    for row in csv.DictReader(lines[start:]):
        if row["Country Code"] not in economies:
            continue
        series[row["Country Code"]] = {
            int(year): float(value) for year, value in row.items() if year and year.isdigit() and value
        }
    return series


@pytest.fixture(scope="session")
def internet_use(shared: Path) -> dict[str, dict[int, float]]:
    series = _internet_use(shared)
    assert len(series) > 150, f"expected the economies of {WB_INTERNET}, found {len(series)}"
    return series
