"""Between-country inequality of a rate: population-weighted Gini, Theil T and L, coefficient of variation.

All measures take values (one per economy) and weights (population; equal weights if omitted), so that
the world's figure treats people, not countries, as the unit. Theil T and L decompose exactly into a
within-group and a between-group part for any grouping (income groups, regions, LDC / rest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


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


def weighted_mean(values: Sequence[float] | Array, weights: Sequence[float] | Array | None = None) -> float:
    x, w = _prepare(values, weights)
    return float(np.sum(w * x) / np.sum(w))


def gini(values: Sequence[float] | Array, weights: Sequence[float] | Array | None = None) -> float:
    """Weighted Gini: sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mean)."""
    x, w = _prepare(values, weights)
    mean = np.sum(w * x) / np.sum(w)
    if mean == 0:
        return 0.0
    diff = np.abs(x[:, None] - x[None, :])
    return float(np.sum(w[:, None] * w[None, :] * diff) / (2 * np.sum(w) ** 2 * mean))


def theil_t(values: Sequence[float] | Array, weights: Sequence[float] | Array | None = None) -> float:
    """Theil T (GE(1)): sum_i p_i (x_i/mean) ln(x_i/mean), p_i population shares; 0 ln 0 = 0."""
    x, w = _prepare(values, weights)
    p = w / w.sum()
    r = x / np.sum(p * x)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(r > 0, r * np.log(r), 0.0)
    return float(np.sum(p * terms))


def theil_l(values: Sequence[float] | Array, weights: Sequence[float] | Array | None = None) -> float:
    """Theil L (mean log deviation, GE(0)): sum_i p_i ln(mean / x_i); undefined when a value is 0."""
    x, w = _prepare(values, weights)
    if (x <= 0).any():
        raise ValueError("Theil L is undefined when a value is zero")
    p = w / w.sum()
    return float(np.sum(p * np.log(np.sum(p * x) / x)))


def coefficient_of_variation(
    values: Sequence[float] | Array, weights: Sequence[float] | Array | None = None
) -> float:
    """Weighted standard deviation (population form) over the weighted mean."""
    x, w = _prepare(values, weights)
    p = w / w.sum()
    mean = np.sum(p * x)
    return float(np.sqrt(np.sum(p * (x - mean) ** 2)) / mean)


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
    index = theil_t if measure == "T" else theil_l if measure == "L" else None
    if index is None:
        raise ValueError(f"measure must be 'T' or 'L', got {measure!r}")
    mean = np.sum(w * x) / np.sum(w)
    within = between = 0.0
    own: dict[str, float] = {}
    for g in sorted(set(labels.tolist())):
        sel = labels == g
        pop_share = w[sel].sum() / w.sum()
        g_mean = np.sum(w[sel] * x[sel]) / w[sel].sum()
        own[g] = index(x[sel], w[sel])
        if measure == "T":
            share = pop_share * g_mean / mean
            within += share * own[g]
            between += share * np.log(g_mean / mean) if g_mean > 0 else 0.0
        else:
            within += pop_share * own[g]
            between += pop_share * np.log(mean / g_mean)
    return Decomposition(measure, index(x, w), float(within), float(between), own)
