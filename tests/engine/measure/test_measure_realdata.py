"""On the real shared data: ITU's i99H with World Bank population against the World Bank's published
WLD and LIC aggregates for 2022; imputed shares reported; refusal below the minimum coverage.

The World Bank's figure is its own aggregate of (partly different) country figures, so agreement within
one percentage point - the issue's criterion - is the test, not equality.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from measure_fixtures import read_itu_datahub, read_worldbank_long, worldbank_groups, worldbank_published

from wsis.engine.measure.aggregates import aggregate
from wsis.engine.measure.imputation import GroupFallback, NearestYear, Trend

WB_BULK = "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
WB_META = "Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"


@pytest.fixture(scope="module")
def inputs(shared: Path) -> dict:
    members, regions = worldbank_groups(shared / "worldbank" / WB_META)
    return {
        "values": read_itu_datahub(shared / "itu-datahub" / "individuals_using_internet.csv"),
        "population": read_worldbank_long(shared / "worldbank" / "sp.pop.totl.csv"),
        "members": members,
        "regions": regions,
        "bulk": shared / "worldbank" / WB_BULK,
    }


def chain(regions: object) -> list:
    # A member's own trend first (within 5 years, clipped to 0-100), then its nearest year (within 3), and
    # finally the population-weighted mean of its World Bank region.
    return [Trend(within=5, bounds=(0.0, 100.0)), NearestYear(within=3), GroupFallback(regions)]  # type: ignore[arg-type]


@pytest.mark.shared_data
@pytest.mark.parametrize("group", ["WLD", "LIC"])
def test_population_weighted_share_of_internet_users_2022(inputs: dict, group: str) -> None:
    result = aggregate(
        inputs["values"],
        indicator="i99H",
        group=group,
        period=2022,
        memberships=inputs["members"],
        weights=inputs["population"],
        imputation=chain(inputs["regions"]),
        releases=["itu-datahub (shared copy)", "wdi sp.pop.totl (shared copy)"],
    )
    published = worldbank_published(inputs["bulk"], group, 2022)
    print(f"{group} 2022: engine {result.value:.2f}, World Bank {published:.2f}; {result.message}")
    assert result.status == "ok"
    assert result.value == pytest.approx(published, abs=1.0)
    # The shares are reported and add up; ITU's own estimates are a large part of the figure.
    total = result.reported_share + result.estimate_share + result.imputed_here_share + result.missing_share
    assert total == pytest.approx(1.0)
    assert 0 < result.imputed_share < 1 and result.estimate_share > 0.2
    assert result.to_dict()["provenance"]["inputs"][0].startswith("itu-datahub")


@pytest.mark.shared_data
def test_low_income_group_is_refused_on_reported_figures_only(inputs: dict) -> None:
    # Almost all 2022 figures of low-income economies are ITU estimates: counted as reported-only coverage,
    # the aggregate must be refused, and the message must say why.
    result = aggregate(
        inputs["values"],
        indicator="i99H",
        group="LIC",
        period=2022,
        memberships=inputs["members"],
        weights=inputs["population"],
        imputation=chain(inputs["regions"]),
        estimates_count_as_coverage=False,
    )
    assert result.status == "refused" and result.value is None
    assert "below the minimum coverage of 50%" in result.message
    assert result.reported_share < 0.1
