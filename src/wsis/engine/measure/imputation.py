"""Filling in group members that have no figure for the period, by documented, selectable methods.

Methods are applied in the order given; each fills only the gaps the previous ones left:

* :class:`NearestYear` - the member's own figure from the closest year within ``within`` years (ties go
  to the earlier year: carrying a figure forward is the usual practice of ITU and the World Bank).
* :class:`Trend` - a straight line through the member's own figures within ``within`` years: linear
  interpolation between the closest figures on either side, otherwise the least-squares line through
  the figures on one side, extrapolated and clipped to ``bounds`` (0-100 for a percentage).
* :class:`GroupFallback` - the weighted mean of the *reported* figures of the member's fallback group
  (for example its UN M49 region) for the period; when that group has none, the weighted mean of the
  reported figures of the whole aggregate, which is what leaving the member out would imply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import polars as pl

from wsis.engine.measure.memberships import groups_of_on


@dataclass(frozen=True)
class Filled:
    """One member's figure for the period and how it was obtained."""

    economy: str
    value: float | None
    source: str  # "reported", "estimate" (flagged by the input's nature), "imputed:<method>", "missing"
    source_period: int | None


class Method(Protocol):
    @property
    def name(self) -> str: ...

    def fill(
        self, economy: str, period: int, history: pl.DataFrame, context: FillContext
    ) -> tuple[float, int | None] | None: ...


@dataclass(frozen=True)
class FillContext:
    """What a method may look at besides the member's own history."""

    period: int
    on: dt.date
    reported: dict[str, float]  # the period's reported figures of every economy in the input
    weights: dict[str, float]  # the period's weights (population, households) by economy
    group_members: tuple[str, ...]


@dataclass(frozen=True)
class NearestYear:
    within: int = 3
    name: str = "nearest"

    def fill(
        self, economy: str, period: int, history: pl.DataFrame, context: FillContext
    ) -> tuple[float, int | None] | None:
        near = history.filter((pl.col("period") - period).abs() <= self.within)
        if near.height == 0:
            return None
        near = near.with_columns((pl.col("period") - period).abs().alias("_d")).sort(["_d", "period"])
        return float(near["value"][0]), int(near["period"][0])


@dataclass(frozen=True)
class Trend:
    within: int = 5
    bounds: tuple[float, float] | None = None
    name: str = "trend"

    def fill(
        self, economy: str, period: int, history: pl.DataFrame, context: FillContext
    ) -> tuple[float, int | None] | None:
        near = history.filter((pl.col("period") - period).abs() <= self.within).sort("period")
        before = near.filter(pl.col("period") < period)
        after = near.filter(pl.col("period") > period)
        if before.height and after.height:
            (t0, y0), (t1, y1) = before.row(-1), after.row(0)
            value = y0 + (y1 - y0) * (period - t0) / (t1 - t0)
        else:
            side = before if before.height else after
            if side.height < 2:
                return None
            slope, intercept = np.polyfit(side["period"].to_numpy(), side["value"].to_numpy(), 1)
            value = float(slope * period + intercept)
        if self.bounds is not None:
            value = min(max(value, self.bounds[0]), self.bounds[1])
        return float(value), None


@dataclass(frozen=True)
class GroupFallback:
    """Weighted mean of reported figures of the member's fallback group (``groups``: memberships frame)."""

    groups: pl.DataFrame | None = None
    name: str = "group"

    def fill(
        self, economy: str, period: int, history: pl.DataFrame, context: FillContext
    ) -> tuple[float, int | None] | None:
        pool: list[str] = list(context.group_members)
        if self.groups is not None:
            pairs = groups_of_on(self.groups, set(self.groups["group"].to_list()), context.on)
            mine = set(pairs.filter(pl.col("economy") == economy)["group"].to_list())
            peers = sorted(set(pairs.filter(pl.col("group").is_in(list(mine)))["economy"].to_list()))
            if _weighted(peers, context) is not None:
                pool = peers
        mean = _weighted(pool, context)
        return None if mean is None else (mean, period)


def _weighted(economies: list[str], context: FillContext) -> float | None:
    # Without weights (simple means of scores, sums of counts) every economy counts once.
    pairs = [
        (context.reported[e], context.weights[e] if context.weights else 1.0)
        for e in economies
        if e in context.reported and (not context.weights or context.weights.get(e))
    ]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


def describe(methods: list[Method] | tuple[Method, ...]) -> list[str]:
    """Readable names of a chain of methods with their parameters, for provenance."""
    out = []
    for m in methods:
        if isinstance(m, NearestYear):
            out.append(f"nearest(within={m.within})")
        elif isinstance(m, Trend):
            out.append(f"trend(within={m.within}, bounds={m.bounds})")
        elif isinstance(m, GroupFallback):
            groups = "aggregate" if m.groups is None else ",".join(sorted(set(m.groups["group"].to_list())))
            out.append(f"group(fallback={groups})")
        else:
            out.append(m.name)
    return out
