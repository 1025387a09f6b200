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

Each method is SQL run by the aggregate's backend (:mod:`.backend`), for every member of every requested
group and period in one pass. A method sees these relations (built by :mod:`.aggregates`):

* ``gap(req_id, grp, period, on_date, economy)``: members without a figure of their own for the period;
* ``members(req_id, grp, period, on_date, economy)``: every member of each requested group and period;
* ``obs(economy, period, value, est)``: the indicator's figures (``est``: flagged as an estimate);
* ``reported(economy, period, value, weight)``: the period's reported (not estimated) figures with a
  positive weight (1 for every economy when the aggregate has no weights).

and returns the CTEs it needs, the last one giving ``req_id, economy, value, source_period``. Since the
candidates of each method are computed independently and the chain takes the first method that has one,
"each fills only the gaps the previous ones left" holds without running them one after the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import polars as pl

from wsis.engine.measure.backend import number

#: CTEs (name, SELECT) of one method; the last yields ``req_id, economy, value, source_period``.
Ctes = list[tuple[str, str]]


class Method(Protocol):
    @property
    def name(self) -> str: ...

    def sql(self, prefix: str) -> tuple[Ctes, dict[str, pl.DataFrame]]:
        """CTEs named ``<prefix>...`` and the extra tables they read (named ``<prefix>...`` too)."""
        ...


@dataclass(frozen=True)
class NearestYear:
    within: int = 3
    name: str = "nearest"

    def sql(self, prefix: str) -> tuple[Ctes, dict[str, pl.DataFrame]]:
        # A year's candidate depends on the economy and the period only, not on the group: found once per
        # (economy, period) and joined back to every group that needs it.
        ranked = f"""
SELECT g.economy, g.period, o.value, o.period AS source_period,
       ROW_NUMBER() OVER (PARTITION BY g.economy, g.period
                          ORDER BY ABS(o.period - g.period), o.period) AS rank_
FROM (SELECT DISTINCT economy, period FROM gap) g
JOIN obs o ON o.economy = g.economy AND ABS(o.period - g.period) <= {int(self.within)}"""
        pick = f"""
SELECT g.req_id, g.economy, n.value, n.source_period
FROM gap g JOIN {prefix}ranked n ON n.economy = g.economy AND n.period = g.period AND n.rank_ = 1"""
        return [(f"{prefix}ranked", ranked), (f"{prefix}fill", pick)], {}


@dataclass(frozen=True)
class Trend:
    within: int = 5
    bounds: tuple[float, float] | None = None
    name: str = "trend"

    def sql(self, prefix: str) -> tuple[Ctes, dict[str, pl.DataFrame]]:
        # Years are centred on the period (d = year - period), so the fitted value at the period is the
        # intercept and the sums stay small integers: no cancellation in n*Sdd - Sd^2.
        near = f"""
SELECT g.economy, g.period, o.period - g.period AS d, o.value
FROM (SELECT DISTINCT economy, period FROM gap) g
JOIN obs o ON o.economy = g.economy AND ABS(o.period - g.period) <= {int(self.within)}
          AND o.period <> g.period"""
        sums = ", ".join(
            f"SUM(CASE WHEN {test} THEN {term} ELSE 0 END) AS {name}_{side}"
            for side, test in (("b", "d < 0"), ("a", "d > 0"))
            for name, term in (
                ("n", "1"),
                ("sd", "CAST(d AS DOUBLE)"),
                ("sy", "value"),
                ("sdd", "CAST(d * d AS DOUBLE)"),
                ("sdy", "d * value"),
            )
        )
        stats = f"""
SELECT economy, period, MAX(CASE WHEN d < 0 THEN d END) AS d0, MIN(CASE WHEN d > 0 THEN d END) AS d1, {sums}
FROM {prefix}near GROUP BY economy, period"""

        def fit(side: str) -> str:
            slope = (
                f"(n_{side} * sdy_{side} - sd_{side} * sy_{side}) "
                f"/ NULLIF(n_{side} * sdd_{side} - sd_{side} * sd_{side}, 0)"
            )
            return f"(sy_{side} - ({slope}) * sd_{side}) / n_{side}"

        raw = f"""
CASE WHEN s.n_b > 0 AND s.n_a > 0
          THEN y0.value + (y1.value - y0.value) * CAST(-s.d0 AS DOUBLE) / (s.d1 - s.d0)
     WHEN s.n_b >= 2 THEN {fit("b")}
     WHEN s.n_b = 0 AND s.n_a >= 2 THEN {fit("a")}
END"""
        # Clipped only where a line exists: LEAST and GREATEST skip NULLs in both engines, so clipping a
        # missing value would invent the bound.
        value = "t.value"
        if self.bounds is not None:
            low, high = self.bounds
            if math.isfinite(high):
                value = f"LEAST({value}, {number(high)})"
            if math.isfinite(low):
                value = f"GREATEST({value}, {number(low)})"
        line = f"""
SELECT s.economy, s.period, {raw} AS value
FROM {prefix}stats s
LEFT JOIN {prefix}near y0 ON y0.economy = s.economy AND y0.period = s.period AND y0.d = s.d0
LEFT JOIN {prefix}near y1 ON y1.economy = s.economy AND y1.period = s.period AND y1.d = s.d1"""
        pick = f"""
SELECT g.req_id, g.economy, {value} AS value, CAST(NULL AS BIGINT) AS source_period
FROM gap g JOIN {prefix}line t ON t.economy = g.economy AND t.period = g.period
WHERE t.value IS NOT NULL"""
        ctes = [
            (f"{prefix}near", near),
            (f"{prefix}stats", stats),
            (f"{prefix}line", line),
            (f"{prefix}fill", pick),
        ]
        return ctes, {}


@dataclass(frozen=True)
class GroupFallback:
    """Weighted mean of reported figures of the member's fallback group (``groups``: memberships frame)."""

    groups: pl.DataFrame | None = None
    name: str = "group"

    def sql(self, prefix: str) -> tuple[Ctes, dict[str, pl.DataFrame]]:
        # Without weights (simple means of scores, sums of counts) ``reported.weight`` is 1 for everyone.
        whole = """
SELECT m.req_id, SUM(r.value * r.weight) / NULLIF(SUM(r.weight), 0) AS value
FROM members m JOIN reported r ON r.economy = m.economy AND r.period = m.period
GROUP BY m.req_id"""
        ctes: Ctes = [(f"{prefix}whole", whole)]
        tables: dict[str, pl.DataFrame] = {}
        own = "CAST(NULL AS DOUBLE)"
        if self.groups is not None:
            fb = f"{prefix}groups"
            tables[fb] = self.groups.select(
                pl.col("group").cast(pl.Utf8).alias("grp"),
                pl.col("economy").cast(pl.Utf8),
                pl.col("valid_from").cast(pl.Date),
                pl.col("valid_to").cast(pl.Date),
            ).sort(pl.all(), nulls_last=True)

            def valid(alias: str, on: str) -> str:
                return (
                    f"{alias}.valid_from <= {on}.on_date "
                    f"AND ({alias}.valid_to IS NULL OR {alias}.valid_to > {on}.on_date)"
                )

            # The peers of a member are every economy sharing a fallback group with it on the date, once
            # each. Most members belong to one fallback group (a region): their peers' mean is that
            # group's mean, found once per group, period and date. Only members of several groups need
            # their own union of peers. Expanding peers per member would grow with members x group size.
            mine = f"""
SELECT DISTINCT n.economy, n.period, n.on_date, f.grp
FROM (SELECT DISTINCT economy, period, on_date FROM gap) n
JOIN {fb} f ON f.economy = n.economy AND {valid("f", "n")}"""
            count = f"""
SELECT economy, period, on_date, COUNT(*) AS k, MIN(grp) AS grp
FROM {prefix}mine GROUP BY economy, period, on_date"""
            group_mean = f"""
SELECT d.grp, d.period, d.on_date, SUM(r.value * r.weight) / NULLIF(SUM(r.weight), 0) AS value
FROM (SELECT DISTINCT d.grp, d.period, d.on_date, f.economy
      FROM (SELECT DISTINCT grp, period, on_date FROM {prefix}count WHERE k = 1) d
      JOIN {fb} f ON f.grp = d.grp AND {valid("f", "d")}) d
JOIN reported r ON r.economy = d.economy AND r.period = d.period
GROUP BY d.grp, d.period, d.on_date"""
            several = f"""
SELECT DISTINCT m.economy, m.period, m.on_date, p.economy AS peer
FROM {prefix}count c
JOIN {prefix}mine m ON m.economy = c.economy AND m.period = c.period AND m.on_date = c.on_date
JOIN {fb} p ON p.grp = m.grp AND {valid("p", "m")}
WHERE c.k > 1"""
            peer_mean = f"""
SELECT c.economy, c.period, c.on_date, g.value
FROM {prefix}count c
JOIN {prefix}groupmean g ON g.grp = c.grp AND g.period = c.period AND g.on_date = c.on_date
WHERE c.k = 1
UNION ALL
SELECT pe.economy, pe.period, pe.on_date, SUM(r.value * r.weight) / NULLIF(SUM(r.weight), 0) AS value
FROM {prefix}several pe JOIN reported r ON r.economy = pe.peer AND r.period = pe.period
GROUP BY pe.economy, pe.period, pe.on_date"""
            ctes += [
                (f"{prefix}mine", mine),
                (f"{prefix}count", count),
                (f"{prefix}groupmean", group_mean),
                (f"{prefix}several", several),
                (f"{prefix}peermean", peer_mean),
            ]
            own = "pm.value"
        join_own = (
            f"LEFT JOIN {prefix}peermean pm "
            "ON pm.economy = g.economy AND pm.period = g.period AND pm.on_date = g.on_date"
            if self.groups is not None
            else ""
        )
        pick = f"""
SELECT g.req_id, g.economy, COALESCE({own}, w.value) AS value, g.period AS source_period
FROM gap g {join_own}
LEFT JOIN {prefix}whole w ON w.req_id = g.req_id
WHERE COALESCE({own}, w.value) IS NOT NULL"""
        ctes.append((f"{prefix}fill", pick))
        return ctes, tables


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
