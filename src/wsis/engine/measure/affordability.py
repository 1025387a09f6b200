"""Affordability: a monthly price as a share of monthly GNI per capita, and the 2% threshold.

``share = 100 x price x 12 / GNI per capita`` with the price in USD per month and GNI per capita the
annual Atlas figure in current USD (World Bank ``NY.GNP.PCAP.CD``). The Broadband Commission's 2025
target and A4AI's "1 for 2" call a basket affordable below 2% of monthly GNI per capita.
When GNI per capita for the price's year is not yet published, the latest figure up to
``gni_fallback_years`` earlier is used and its year reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from wsis.engine.measure.memberships import PeriodDay, groups_of_on, period_date
from wsis.engine.measure.tidy import MeasureInputError

THRESHOLD = 2.0


def share_of_gni(price_usd_month: float, gni_per_capita_year: float) -> float:
    """Price as a percentage of monthly GNI per capita."""
    if gni_per_capita_year <= 0:
        raise ValueError(f"GNI per capita must be positive, got {gni_per_capita_year}")
    return 100 * price_usd_month * 12 / gni_per_capita_year


def affordability(
    prices: pl.DataFrame,
    gni: pl.DataFrame,
    *,
    threshold: float = THRESHOLD,
    inclusive: bool = False,
    gni_fallback_years: int = 1,
) -> pl.DataFrame:
    """Per economy, basket and period: ``price, gni, gni_period, share, meets``.

    ``prices``: tidy (``indicator`` names the basket, ``value`` USD a month); ``gni``: ``economy, period,
    value`` (annual USD). ``meets`` is ``share < threshold`` (``<=`` with ``inclusive``).
    """
    for name, frame in (("prices", prices), ("gni", gni)):
        missing = [c for c in ("economy", "period", "value") if c not in frame.columns]
        if missing:
            raise MeasureInputError(f"{name}: missing column(s) {', '.join(missing)}")
    g = gni.select(
        "economy", pl.col("period").cast(pl.Int64).alias("gni_period"), pl.col("value").alias("gni")
    )
    p = prices.select(
        "economy",
        pl.col("indicator") if "indicator" in prices.columns else pl.lit("basket").alias("indicator"),
        pl.col("period").cast(pl.Int64),
        pl.col("value").cast(pl.Float64).alias("price"),
    )
    joined = (
        p.join(g, on="economy", how="left")
        .filter(
            pl.col("gni_period").is_null()
            | (
                (pl.col("gni_period") <= pl.col("period"))
                & (pl.col("gni_period") >= pl.col("period") - gni_fallback_years)
            )
        )
        .filter(pl.col("gni").is_null() | (pl.col("gni") > 0))
        .sort("gni_period", descending=True, nulls_last=True)
        .unique(["economy", "indicator", "period"], keep="first", maintain_order=True)
    )
    # Economies whose only GNI figures are out of range drop out of the join above; put them back as "no GNI".
    out = p.join(
        joined.select("economy", "indicator", "period", "gni", "gni_period"),
        on=["economy", "indicator", "period"],
        how="left",
    )
    out = out.with_columns((100 * pl.col("price") * 12 / pl.col("gni")).alias("share"))
    meets = pl.col("share") <= threshold if inclusive else pl.col("share") < threshold
    return out.with_columns(meets.alias("meets")).sort(["indicator", "economy", "period"])


def meeting_by_group(
    shares: pl.DataFrame,
    memberships: pl.DataFrame,
    groups: Sequence[str],
    *,
    membership_day: PeriodDay | dt.date = "mid",
) -> pl.DataFrame:
    """How many members of each group meet the threshold, per basket and period (membership on the date).

    Columns: ``group, indicator, period, members, with_data, meeting, share_meeting`` (of those with data).
    """
    rows = []
    for (indicator, period), part in shares.group_by(["indicator", "period"]):
        on = period_date(int(period), membership_day)
        pairs = groups_of_on(memberships, groups, on)
        for group in groups:
            members = set(pairs.filter(pl.col("group") == group)["economy"].to_list())
            mine = part.filter(pl.col("economy").is_in(list(members)) & pl.col("share").is_not_null())
            meeting = int(mine["meets"].sum())
            rows.append(
                {
                    "group": group,
                    "indicator": indicator,
                    "period": int(period),
                    "members": len(members),
                    "with_data": mine.height,
                    "meeting": meeting,
                    "share_meeting": meeting / mine.height if mine.height else None,
                }
            )
    return pl.DataFrame(rows).sort(["indicator", "group", "period"])
