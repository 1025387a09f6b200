"""Quantiles with Woodruff confidence intervals, as R's ``svyquantile`` (survey >= 4.1) computes them.

For each domain and probability p: the quantile is ``qrule(x, w, p)`` on the domain's sampling
weights; the interval takes the design-based CI of the weighted CDF at that quantile,
``F = svymean(x <= q)`` with ``t(df)`` and the domain's own degrees of freedom, and maps its bounds back
through the same rule (a bound whose CDF limit leaves [0, 1] is NaN). The SE is derived from the
interval: ``(upper - lower) / (2 t)``. Conventions: docs/survey-conventions.md.

The rules are R's (survey 4.1-1 ``qrule_*``); sums are accumulated in extended precision as R's
``cumsum`` and ``sum`` do, so a quantile that sits exactly on a step of the CDF falls where R's does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import polars as pl

from wsis.engine.survey.aggregate import _sort_key, codes, first_values, require
from wsis.engine.survey.backend import Backend, as_backend
from wsis.engine.survey.calibrated import _fetch, apply_steps
from wsis.engine.survey.design import CalibratedDesign, Design, TaylorDesign
from wsis.engine.survey.errors import SurveyInputError
from wsis.engine.survey.estimands import AtMost
from wsis.engine.survey.estimate import estimate
from wsis.engine.survey.intervals import t_quantile
from wsis.engine.survey.readers import SurveyData
from wsis.engine.survey.sql import in_domain_sql, literal

QRULES: tuple[str, ...] = (
    "math",
    "school",
    "shahvaish",
    "hf1",
    "hf2",
    "hf3",
    "hf4",
    "hf5",
    "hf6",
    "hf7",
    "hf8",
    "hf9",
)


def _cumsum(w: np.ndarray) -> np.ndarray:
    """R's cumsum: accumulated in long double, each partial sum rounded to double."""
    return np.cumsum(w.astype(np.longdouble)).astype(np.float64)


def _qs(x: np.ndarray, w: np.ndarray, p: float) -> tuple[float, float, int, float, float]:
    """R's ``qs``: the order statistics either side of p (x sorted, weights aligned)."""
    cumw = _cumsum(w)
    total = cumw[-1]
    below = np.flatnonzero(cumw <= p * total)
    pos = int(below[-1]) if len(below) else 0
    nxt = pos if pos == len(x) - 1 else pos + 1
    return float(x[pos]), float(x[nxt]), pos + 1, p - cumw[pos] / total, cumw[nxt] / total - p


def _approx(pk: np.ndarray, x: np.ndarray, p: float, constant: bool = False) -> float:
    """R's ``approx(pk, x, p, rule=2)`` (linear, or constant with f = 0), bisection as in its C code."""
    n = len(pk)
    if p < pk[0]:
        return float(x[0])
    if p > pk[-1]:
        return float(x[-1])
    i, j = 0, n - 1
    while i < j - 1:
        ij = (i + j) // 2
        if p < pk[ij]:
            j = ij
        else:
            i = ij
    if p == pk[j]:
        return float(x[j])
    if p == pk[i]:
        return float(x[i])
    if constant:
        return float(x[i])
    return float(x[i] + (x[j] - x[i]) * ((p - pk[i]) / (pk[j] - pk[i])))


def qrule(name: str) -> Callable[[np.ndarray, np.ndarray, float], float]:
    """R's ``qrule_<name>`` on x sorted ascending with positive weights aligned."""

    def math_rule(x: np.ndarray, w: np.ndarray, p: float) -> float:
        low, up, _, wlow, _ = _qs(x, w, p)
        return low if wlow == 0 else up

    def school(x: np.ndarray, w: np.ndarray, p: float) -> float:
        low, up, _, wlow, _ = _qs(x, w, p)
        return (low + up) / 2 if wlow == 0 else up

    def hf3(x: np.ndarray, w: np.ndarray, p: float) -> float:
        values, start = np.unique(x, return_index=True)
        sums = np.add.reduceat(w, start)
        low, up, ilow, wlow, _ = _qs(values, sums, p)
        return low if wlow == 0 and ilow % 2 == 0 else up

    def hf4(x: np.ndarray, w: np.ndarray, p: float) -> float:
        low, up, _, wlow, wup = _qs(x, w, p)
        gamma = wlow / (wup + wlow)
        return low * (1 - gamma) + up * gamma

    def positions(kind: str) -> Callable[[np.ndarray, np.ndarray, float], float]:
        def rule(x: np.ndarray, w: np.ndarray, p: float) -> float:
            n = len(x)
            if n == 1:
                return float(x[0])
            cumw = _cumsum(w)
            if kind == "hf5":
                pk = (cumw - w / 2) / cumw[-1]
            elif kind == "hf6":
                pk = cumw / (cumw[-1] + w[-1])
            elif kind == "hf7":
                pk = np.concatenate(([0.0], cumw[:-1])) / cumw[-2]
            elif kind == "hf8":
                pk = (np.concatenate(([0.0], cumw[:-1])) * 1 / 3 + cumw * 2 / 3) / (cumw[-1] + w[-1] / 3)
            elif kind == "hf9":
                pk = (np.concatenate(([0.0], cumw[:-1])) * 3 / 8 + cumw * 5 / 8) / (cumw[-1] + w[-1] / 4)
            else:  # shahvaish
                wbar = w / np.mean(w)
                pk = (_cumsum(wbar) + 0.5 - w / 2) / (n + 1)
                return _approx(pk, x, p, constant=True)
            return _approx(pk, x, p)

        return rule

    rules: dict[str, Callable[[np.ndarray, np.ndarray, float], float]] = {
        "math": math_rule,
        "hf1": math_rule,
        "school": school,
        "hf2": school,
        "hf3": hf3,
        "hf4": hf4,
        "hf5": positions("hf5"),
        "hf6": positions("hf6"),
        "hf7": positions("hf7"),
        "hf8": positions("hf8"),
        "hf9": positions("hf9"),
        "shahvaish": positions("shahvaish"),
    }
    if name not in rules:
        raise SurveyInputError(f"quantile rule must be one of {', '.join(QRULES)}")
    return rules[name]


@dataclass
class QuantileEstimate:
    domain: dict[str, Any]
    probability: float
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: float
    n: int

    def as_row(self) -> dict[str, Any]:
        row = asdict(self)
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
        return row


def _subset_dfs(
    backend: Backend, design: Design, inside: str, by: list[str]
) -> dict[tuple[Any, ...], float] | None:
    """R's ``degf(design[subset, ])`` of each domain's subset: PSUs minus strata among its rows (rows
    minus strata for element sampling), in one grouped query; None for replicate designs, which keep
    their own df whatever the subset."""
    if isinstance(design, CalibratedDesign) and isinstance(design.base, TaylorDesign):
        design = design.base
    if not isinstance(design, TaylorDesign):
        return None
    q = backend.dialect.q
    strata = q(design.strata) if design.strata else "1"
    if design.clusters:
        psu = q(design.clusters[0])
        unit = f"COUNT(DISTINCT ({strata}, {psu}))" if design.nest else f"COUNT(DISTINCT {psu})"
    else:
        unit = "COUNT(*)"
    keys = [f"{q(c)} AS wsis_q{i}" for i, c in enumerate(by)]
    group = f" GROUP BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    sql = (
        f"SELECT {', '.join([*keys, f'{unit} AS psus', f'COUNT(DISTINCT {strata}) AS strata'])} "  # noqa: S608 - quoted identifiers; expressions are the analyst's own
        f"FROM {backend.relation} WHERE {inside}{group}"
    )
    frame = backend.query(sql)
    names = [f"wsis_q{i}" for i in range(len(by))]
    return {
        tuple(row[n] for n in names): float(row["psus"] - row["strata"])
        for row in frame.iter_rows(named=True)
    }


def svyquantile(
    data: SurveyData | Backend,
    design: Design,
    variable: str,
    probabilities: Sequence[float],
    *,
    by: Sequence[str] = (),
    where: str | None = None,
    rule: str = "math",
    level: float = 0.95,
) -> list[QuantileEstimate]:
    """``svyquantile(~variable, design, quantiles, ci=TRUE, qrule=rule)`` (by domain: ``svyby``).

    Missing values of ``variable`` are left out (R's ``na.rm=TRUE``)."""
    for p in probabilities:
        if not 0 <= p <= 1:
            raise SurveyInputError(f"quantile probability {p} is outside [0, 1]")
    backend = as_backend(data)
    q = backend.dialect.q
    require(backend, variable)
    for col in by:
        require(backend, col)
    if not backend.is_numeric(variable):
        raise SurveyInputError("quantiles need a numeric variable", column=variable, source=backend.source)
    quantile_of = qrule(rule)
    inside = in_domain_sql(f"{q(variable)} IS NOT NULL", list(by), where, backend.dialect)
    extra = {"wsis_x": f"CAST({q(variable)} AS DOUBLE)", "wsis_in": f"({inside})"}
    extra |= {f"wsis_q{i}": q(c) for i, c in enumerate(by)}
    # The design's sampling weights (calibrated ones on a calibrated design), row by row.
    rows = _fetch(backend, design, extra)
    weights = apply_steps(backend, design, rows).weights
    inside_rows = rows["wsis_in"].fill_null(False).to_numpy().astype(bool)
    if not inside_rows.any():
        raise SurveyInputError(
            "no rows with a value in the requested domain", column=variable, source=backend.source
        )
    # Only the value, the weight and the domain of the rows inside, sorted once by (domain, value):
    # no copy of the design columns, and one sort instead of one per domain.
    keys = rows.filter(pl.Series(inside_rows)).select([f"wsis_q{i}" for i in range(len(by))])
    x_in = rows["wsis_x"].to_numpy()[inside_rows]
    w_in = weights[inside_rows]
    del rows, weights
    ids = codes(keys, list(keys.columns)) if by else np.zeros(len(x_in), dtype=np.int64)
    found = first_values(ids, keys, list(keys.columns), int(ids.max()) + 1) if by else [()]
    domain_values = [v if isinstance(v, tuple) else (v,) for v in found]
    # Rows of each domain in file order, then each domain sorted stably (ties keep file order): two
    # passes, faster than one lexicographic sort of every row.
    order = np.argsort(ids, kind="stable")
    bounds = np.searchsorted(ids[order], np.arange(len(domain_values) + 1))
    sorted_groups = []
    for gid in sorted(range(len(domain_values)), key=lambda i: tuple(_sort_key(v) for v in domain_values[i])):
        mine = order[bounds[gid] : bounds[gid + 1]]
        mine = mine[np.argsort(x_in[mine], kind="stable")]
        x, wts = x_in[mine], w_in[mine]
        keep = wts != 0
        values = domain_values[gid]
        condition = " AND ".join(
            f"{q(c)} = {literal(v, backend.is_numeric(c))}" for c, v in zip(by, values, strict=True)
        )
        sorted_groups.append((values, x[keep], wts[keep], condition or "TRUE"))
    subset_dfs = _subset_dfs(backend, design, inside, list(by))
    estimates = {p: [quantile_of(x, wts, p) for _, x, wts, _ in sorted_groups] for p in probabilities}
    # The estimated CDF at each domain's quantile, every domain in one pass (R: svymean(x <= qhat) on
    # the domain's subset, which keeps the design).
    cdfs = {
        p: estimate(
            backend,
            design,
            AtMost(variable, 0.0, tuple((g[3], qhat) for g, qhat in zip(sorted_groups, qs, strict=True))),
            by=list(by),
            where=where,
        )
        for p, qs in estimates.items()
    }
    out: list[QuantileEstimate] = []
    for d, (values, x, wts, _) in enumerate(sorted_groups):
        labels = {c: backend.label(c, v) for c, v in zip(by, values, strict=True)}
        # The replicate design's df (rank of its weights) does not change with the subset.
        df = cdfs[probabilities[0]][d].df if subset_dfs is None else subset_dfs[values]
        crit = t_quantile(level, df)
        for p in probabilities:
            cdf = cdfs[p][d]
            if cdf.domain != labels:
                raise AssertionError(f"domain order differs: {cdf.domain} against {labels}")
            qhat = estimates[p][d]
            lo_p, hi_p = cdf.estimate - crit * cdf.se, cdf.estimate + crit * cdf.se
            low = float("nan") if not math.isfinite(lo_p) or lo_p < 0 else quantile_of(x, wts, lo_p)
            high = float("nan") if not math.isfinite(hi_p) or hi_p > 1 else quantile_of(x, wts, hi_p)
            se = (high - low) / (2 * crit)
            out.append(QuantileEstimate(labels, p, qhat, se, low, high, df, int(len(x))))
    return out
