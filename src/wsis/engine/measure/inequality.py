"""Between-country inequality of a rate: population-weighted Gini, Theil T and L, coefficient of variation.

All measures take values (one per economy) and weights (population; equal weights if omitted), so that
the world's figure treats people, not countries, as the unit. Theil T and L decompose exactly into a
within-group and a between-group part for any grouping (income groups, regions, LDC / rest).

The maths is SQL run by a :mod:`.backend` (DuckDB by default, Spark as well): :func:`inequality_table`
gives every measure for any number of partitions (periods, indicators...) in one query; the one-number
functions below are that query on a single partition. Input checks stay in Python, where they can name
what is wrong before any engine starts.

* Gini: sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mean), computed after sorting as
  sum_i w_i x_i (2 W_<i + w_i - W) / (W^2 mean), W_<i the weight before i (ties add zero either way), so
  it costs a sort instead of n^2 pairs.
* Theil T (GE(1)): sum_i p_i (x_i/mean) ln(x_i/mean), p_i population shares; 0 ln 0 = 0.
* Theil L (mean log deviation, GE(0)): sum_i p_i ln(mean / x_i); undefined when a value is 0.
* CV: weighted standard deviation (population form) over the weighted mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from wsis.engine.measure.backend import Backend, resolve, with_ctes

Array = npt.NDArray[np.float64]
MEASURES = ("gini", "theil_t", "theil_l", "cv")


def _prepare(values: Sequence[float] | Array, weights: Sequence[float] | Array | None) -> tuple[Array, Array]:
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if x.shape != w.shape:
        raise ValueError(f"{x.size} values but {w.size} weights")
    if x.size == 0:
        raise ValueError("no values")
    if np.isnan(x).any() or np.isnan(w).any():
        raise ValueError("values and weights must not be missing")
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be non-negative with a positive total")
    if (x < 0).any():
        raise ValueError("inequality measures need non-negative values")
    return x, w


def _measures_ctes(source: str, keys: Sequence[str], prefix: str) -> list[tuple[str, str]]:
    """CTEs ending in ``<prefix>out``: per partition of ``keys``, n, weight, mean and the four measures.

    ``source`` has the key columns, ``x`` and ``w`` (DOUBLE).
    """
    part = ", ".join(keys)
    on = " AND ".join(f"b.{k} = s.{k}" for k in keys) or "TRUE"
    by = f"PARTITION BY {', '.join(f'b.{k}' for k in keys)}" if keys else ""
    group_by = f"GROUP BY {part}" if keys else ""
    key_select = f"{part}, " if keys else ""
    return [
        (
            f"{prefix}stats",
            f"SELECT {key_select}COUNT(*) AS n, SUM(w) AS tw, SUM(w * x) / NULLIF(SUM(w), 0) AS mu, "
            f"MIN(x) AS xmin FROM {source} {group_by}",
        ),
        (
            f"{prefix}rows",
            f"""
SELECT b.x, b.w, s.*,
       COALESCE(SUM(b.w) OVER ({by} ORDER BY b.x ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
           AS before_
FROM {source} b JOIN {prefix}stats s ON {on}""",
        ),
        (
            f"{prefix}out",
            f"""
SELECT {key_select}n, tw AS weight, mu AS mean,
       CASE WHEN mu = 0 THEN 0.0
            ELSE SUM(w * x * (2 * before_ + w - tw)) / NULLIF(tw * tw * mu, 0) END AS gini,
       CASE WHEN mu = 0 THEN 0.0
            ELSE SUM(w / tw * CASE WHEN x > 0 THEN x / mu * LN(x / mu) ELSE 0.0 END) END AS theil_t,
       CASE WHEN xmin > 0 THEN SUM(w / tw * LN(mu / CASE WHEN x > 0 THEN x END)) END AS theil_l,
       SQRT(SUM(w / tw * (x - mu) * (x - mu))) / NULLIF(mu, 0) AS cv
FROM {prefix}rows {f"GROUP BY {part}, n, tw, mu, xmin" if keys else "GROUP BY n, tw, mu, xmin"}""",
        ),
    ]


def inequality_table(
    frame: pl.DataFrame,
    *,
    by: Sequence[str] = (),
    value: str = "value",
    weight: str | None = "weight",
    backend: Backend | None = None,
) -> pl.DataFrame:
    """Every measure for each partition of ``frame`` by the ``by`` columns, in one query.

    Returns ``by..., n, weight, mean, gini, theil_t, theil_l, cv`` (``theil_l`` null where a value is 0,
    ``cv`` null where the mean is 0). ``weight=None`` or a missing column: equal weights. Rows with a
    missing value or weight are refused, as are negative values or weights.
    """
    cols = [*by, value] + ([weight] if weight and weight in frame.columns else [])
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"inequality: missing column(s) {', '.join(missing)}")
    data = frame.select(
        *[pl.col(k).alias(f"k{i}") for i, k in enumerate(by)],
        pl.col(value).cast(pl.Float64).alias("x"),
        (pl.col(weight).cast(pl.Float64) if weight and weight in frame.columns else pl.lit(1.0)).alias("w"),
    )
    if data.height == 0:
        raise ValueError("no values")
    if data.select(pl.col("x").is_null().any() | pl.col("w").is_null().any()).item():
        raise ValueError("values and weights must not be missing")
    if data.select((pl.col("x") < 0).any()).item():
        raise ValueError("inequality measures need non-negative values")
    if data.select((pl.col("w") < 0).any()).item():
        raise ValueError("weights must be non-negative with a positive total")
    keys = [f"k{i}" for i in range(len(by))]
    data = data.sort([*keys, "x", "w"])  # the same bits for the same data in any row order
    sql = with_ctes(
        _measures_ctes("data", keys, "all_"),
        f"SELECT * FROM all_out {'ORDER BY ' + ', '.join(keys) if keys else ''}",
    )
    out = resolve(backend).run(sql, {"data": data})
    return out.rename({k: name for k, name in zip(keys, by, strict=True)})


def _one(
    values: Sequence[float] | Array, weights: Sequence[float] | Array | None, backend: Backend | None
) -> dict:
    x, w = _prepare(values, weights)
    return inequality_table(pl.DataFrame({"value": x, "weight": w}), backend=backend).row(0, named=True)


def weighted_mean(
    values: Sequence[float] | Array,
    weights: Sequence[float] | Array | None = None,
    *,
    backend: Backend | None = None,
) -> float:
    return float(_one(values, weights, backend)["mean"])


def gini(
    values: Sequence[float] | Array,
    weights: Sequence[float] | Array | None = None,
    *,
    backend: Backend | None = None,
) -> float:
    """Weighted Gini: sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mean)."""
    return float(_one(values, weights, backend)["gini"])


def theil_t(
    values: Sequence[float] | Array,
    weights: Sequence[float] | Array | None = None,
    *,
    backend: Backend | None = None,
) -> float:
    """Theil T (GE(1)): sum_i p_i (x_i/mean) ln(x_i/mean), p_i population shares; 0 ln 0 = 0."""
    return float(_one(values, weights, backend)["theil_t"])


def theil_l(
    values: Sequence[float] | Array,
    weights: Sequence[float] | Array | None = None,
    *,
    backend: Backend | None = None,
) -> float:
    """Theil L (mean log deviation, GE(0)): sum_i p_i ln(mean / x_i); undefined when a value is 0."""
    result = _one(values, weights, backend)["theil_l"]
    if result is None:
        raise ValueError("Theil L is undefined when a value is zero")
    return float(result)


def coefficient_of_variation(
    values: Sequence[float] | Array,
    weights: Sequence[float] | Array | None = None,
    *,
    backend: Backend | None = None,
) -> float:
    """Weighted standard deviation (population form) over the weighted mean (NaN when the mean is 0)."""
    result = _one(values, weights, backend)["cv"]
    return float("nan") if result is None else float(result)


@dataclass(frozen=True)
class Decomposition:
    measure: str
    total: float
    within: float
    between: float
    groups: dict[str, float]  # each group's own index


def theil_decomposition(
    values: Sequence[float] | Array,
    weights: Sequence[float] | Array | None,
    groups: Sequence[str],
    measure: str = "T",
    *,
    backend: Backend | None = None,
) -> Decomposition:
    """Exact within/between split of Theil T or L for a grouping (one group label per value).

    T: within = sum_g s_g T_g with s_g the group's share of the total (population x rate), between =
    sum_g s_g ln(mean_g / mean). L: within = sum_g p_g L_g with p_g the population share, between =
    sum_g p_g ln(mean / mean_g).
    """
    x, w = _prepare(values, weights)
    labels = np.asarray(groups)
    if labels.shape != x.shape:
        raise ValueError(f"{x.size} values but {labels.size} group labels")
    if measure not in ("T", "L"):
        raise ValueError(f"measure must be 'T' or 'L', got {measure!r}")
    if measure == "L" and (x <= 0).any():
        raise ValueError("Theil L is undefined when a value is zero")
    data = pl.DataFrame({"k0": [str(g) for g in labels.tolist()], "x": x, "w": w}).sort("k0", "x", "w")
    own = "theil_t" if measure == "T" else "theil_l"
    if measure == "T":
        # s_g = W_g mean_g / (W mean); a group whose mean is 0 adds nothing (0 ln 0 = 0).
        share = "g.weight * g.mean / NULLIF(t.weight * t.mean, 0)"
        between = f"CASE WHEN g.mean > 0 THEN {share} * LN(g.mean / t.mean) ELSE 0.0 END"
    else:
        share = "g.weight / t.weight"
        between = f"{share} * LN(t.mean / g.mean)"
    final = f"""
SELECT g.k0 AS grp, g.{own} AS own, t.{own} AS total,
       SUM(COALESCE({share}, 0.0) * g.{own}) OVER () AS within_,
       SUM({between}) OVER () AS between_
FROM grp_out g CROSS JOIN all_out t
ORDER BY g.k0"""
    sql = with_ctes(_measures_ctes("data", ["k0"], "grp_") + _measures_ctes("data", [], "all_"), final)
    out = resolve(backend).run(sql, {"data": data})
    first = out.row(0, named=True)
    return Decomposition(
        measure,
        float(first["total"]),
        float(first["within_"]),
        float(first["between_"]),
        {str(g): float(v) for g, v in zip(out["grp"], out["own"], strict=True)},
    )
