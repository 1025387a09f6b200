"""Affordability: price as % of monthly GNI per capita and the 2% threshold by group and over time."""

from __future__ import annotations

import polars as pl
import pytest

from wsis.engine.measure.affordability import affordability, meeting_by_group, share_of_gni
from wsis.engine.measure.memberships import check_memberships


def test_share_of_monthly_gni() -> None:
    assert share_of_gni(10, 6000) == pytest.approx(2.0)  # 10 USD of a 500 USD month
    assert share_of_gni(5, 12000) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        share_of_gni(5, 0)


def test_threshold_gni_fallback_and_group_counts() -> None:
    prices = pl.DataFrame(
        {
            "economy": ["AAA", "BBB", "CCC", "AAA", "BBB"],
            "indicator": "fbb5",
            "period": [2023, 2023, 2023, 2024, 2024],
            "value": [10.0, 5.0, 30.0, 9.0, 5.0],
        }
    )
    gni = pl.DataFrame(
        {
            "economy": ["AAA", "BBB", "CCC", "AAA", "BBB", "BBB"],
            "period": [2023, 2023, 2020, 2024, 2023, 2024],
            "value": [6000.0, 12000.0, 1000.0, 6000.0, 12000.0, 15000.0],
        }
    )
    out = affordability(prices, gni)
    a23 = out.filter((pl.col("economy") == "AAA") & (pl.col("period") == 2023)).row(0, named=True)
    assert a23["share"] == pytest.approx(2.0) and a23["meets"] is False  # "below 2%" is strict
    assert affordability(prices, gni, inclusive=True).filter(pl.col("economy") == "AAA")["meets"][0] is True
    c = out.filter(pl.col("economy") == "CCC").row(0, named=True)
    assert c["gni"] is None and c["share"] is None  # GNI only from 2020: beyond the one-year fallback
    b24 = out.filter((pl.col("economy") == "BBB") & (pl.col("period") == 2024)).row(0, named=True)
    assert b24["gni_period"] == 2024 and b24["share"] == pytest.approx(0.4)
    only_2023 = gni.filter(~((pl.col("economy") == "AAA") & (pl.col("period") == 2024)))
    a24 = affordability(prices, only_2023).filter((pl.col("economy") == "AAA") & (pl.col("period") == 2024))
    assert a24["gni_period"][0] == 2023 and a24["share"][0] == pytest.approx(1.8)

    mem = check_memberships(
        pl.DataFrame(
            {
                "group": ["DEV", "DEV", "DEV", "LDC"],
                "economy": ["AAA", "BBB", "CCC", "CCC"],
                "valid_from": "2000-01-01",
            }
        )
    )
    counts = meeting_by_group(out, mem, ["DEV", "LDC"])
    dev23 = counts.filter((pl.col("group") == "DEV") & (pl.col("period") == 2023)).row(0, named=True)
    assert (dev23["members"], dev23["with_data"], dev23["meeting"]) == (3, 2, 1)
    dev24 = counts.filter((pl.col("group") == "DEV") & (pl.col("period") == 2024)).row(0, named=True)
    assert dev24["meeting"] == 2 and dev24["share_meeting"] == 1.0
    ldc23 = counts.filter((pl.col("group") == "LDC") & (pl.col("period") == 2023)).row(0, named=True)
    assert ldc23["with_data"] == 0 and ldc23["share_meeting"] is None
