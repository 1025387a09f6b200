"""Group membership over time: who is in a group on the date a period is evaluated.

Memberships come as rows ``group, economy, valid_from, valid_to`` (``valid_to`` exclusive, empty while the
membership lasts), the shape of :class:`wsis.reference.schema.Membership`. They are input, never
hard-coded: the reference knowledge names the list and its date, and a graduated LDC must leave the LDC
aggregate from its graduation day on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

import polars as pl

from wsis.engine.measure.tidy import MeasureInputError

#: Which day of a yearly period decides membership. Mid-year by default: populations are mid-year
#: estimates and the World Bank re-classifies income groups on 1 July.
PeriodDay = Literal["start", "mid", "end"]
MEMBERSHIP_COLUMNS = ("group", "economy", "valid_from", "valid_to")


def period_date(period: int, day: PeriodDay | dt.date = "mid") -> dt.date:
    """The date on which membership is evaluated for a yearly ``period``."""
    if isinstance(day, dt.date):
        return day
    return {"start": dt.date(period, 1, 1), "mid": dt.date(period, 7, 1), "end": dt.date(period, 12, 31)}[day]


def memberships_frame(rows: Iterable[Any]) -> pl.DataFrame:
    """Memberships from objects or mappings with ``group, economy, valid_from, valid_to``.

    Accepts :class:`wsis.reference.schema.Membership` instances (the reference knowledge) or dicts.
    """
    records = []
    for row in rows:
        get = row.get if isinstance(row, dict) else (lambda k, r=row: getattr(r, k, None))
        records.append({k: get(k) for k in MEMBERSHIP_COLUMNS})
    return check_memberships(pl.DataFrame(records, schema=_SCHEMA), source="memberships")


_SCHEMA = {"group": pl.Utf8, "economy": pl.Utf8, "valid_from": pl.Date, "valid_to": pl.Date}


def check_memberships(frame: pl.DataFrame, source: str = "memberships") -> pl.DataFrame:
    """Validate a memberships frame; dates may be given as ISO strings."""
    missing = [c for c in ("group", "economy", "valid_from") if c not in frame.columns]
    if missing:
        raise MeasureInputError(f"{source}: missing column(s) {', '.join(missing)}")
    if "valid_to" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Date).alias("valid_to"))
    out = frame.select(MEMBERSHIP_COLUMNS).with_row_index("_row", offset=1)
    for col in ("valid_from", "valid_to"):
        if out[col].dtype != pl.Date:
            parsed = out[col].cast(pl.Utf8).str.to_date("%Y-%m-%d", strict=False)
            bad = out.filter(parsed.is_null() & out[col].is_not_null() & (out[col].cast(pl.Utf8) != ""))
            if bad.height:
                raise MeasureInputError(
                    f"{source}: row {bad['_row'][0]}, field '{col}': {bad[col][0]!r} is not a YYYY-MM-DD date"
                )
            out = out.with_columns(parsed.alias(col))
    bad = out.filter(pl.col("valid_from").is_null() | pl.col("group").is_null() | pl.col("economy").is_null())
    if bad.height:
        raise MeasureInputError(f"{source}: row {bad['_row'][0]}: group, economy and valid_from are required")
    bad = out.filter(pl.col("valid_to").is_not_null() & (pl.col("valid_to") <= pl.col("valid_from")))
    if bad.height:
        raise MeasureInputError(f"{source}: row {bad['_row'][0]}, field 'valid_to': not after valid_from")
    return out.drop("_row")


def members_on(memberships: pl.DataFrame, group: str, on: dt.date) -> list[str]:
    """ISO3 codes of the members of ``group`` on the date ``on`` (sorted, unique)."""
    rows = memberships.filter(
        (pl.col("group") == group)
        & (pl.col("valid_from") <= on)
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") > on))
    )
    return sorted(set(rows["economy"].to_list()))


def groups_of_on(memberships: pl.DataFrame, groups: Iterable[str], on: dt.date) -> pl.DataFrame:
    """``economy, group`` pairs for a set of groups on a date (an economy in two groups appears twice)."""
    return (
        memberships.filter(
            pl.col("group").is_in(list(groups))
            & (pl.col("valid_from") <= on)
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") > on))
        )
        .select("economy", "group")
        .unique()
    )


def known_groups(memberships: pl.DataFrame) -> list[str]:
    return sorted(set(memberships["group"].to_list()))
