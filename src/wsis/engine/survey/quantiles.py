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

from wsis.engine.survey.aggregate import _sort_key, require
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


def _subset_df(backend: Backend, design: Design, condition: str, replicate_df: float) -> float:
    """R's ``degf(design[subset, ])``: PSUs minus strata among the rows of the subset (rows minus
    strata for element sampling); a replicate design keeps its own."""
    if isinstance(design, CalibratedDesign) and isinstance(design.base, TaylorDesign):
        design = design.base
    if not isinstance(design, TaylorDesign):
        return replicate_df
    q = backend.dialect.q
    strata = q(design.strata) if design.strata else "1"
    if design.clusters:
        psu = q(design.clusters[0])
        unit = f"COUNT(DISTINCT ({strata}, {psu}))" if design.nest else f"COUNT(DISTINCT {psu})"
    else:
        unit = "COUNT(*)"
    sql = (
        f"SELECT {unit} AS psus, COUNT(DISTINCT {strata}) AS strata FROM {backend.relation} WHERE {condition}"  # noqa: S608 - quoted identifiers; expressions are the analyst's own
    )
    row = backend.query(sql).row(0, named=True)
    return float(row["psus"] - row["strata"])


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
    frame = rows.with_columns(pl.Series("wsis_w", apply_steps(backend, design, rows).weights)).filter(
        pl.col("wsis_in").fill_null(False)
    )
    if frame.height == 0:
        raise SurveyInputError(
            "no rows with a value in the requested domain", column=variable, source=backend.source
        )
    # The replicate design's df (rank of its weights) does not change with the subset.
    overall = estimate(backend, design, AtMost(variable, float(frame["wsis_x"].min())), where=where)[0].df  # type: ignore[arg-type]
    groups: list[tuple[tuple[Any, ...], pl.DataFrame]]
    if by:
        parts = frame.partition_by([f"wsis_q{i}" for i in range(len(by))], as_dict=True)
        groups = sorted(
            ((tuple(k), v) for k, v in parts.items()), key=lambda kv: tuple(_sort_key(v) for v in kv[0])
        )
    else:
        groups = [((), frame)]
    out: list[QuantileEstimate] = []
    for values, group in groups:
        order = np.argsort(group["wsis_x"].to_numpy(), kind="stable")
        x = group["wsis_x"].to_numpy()[order]
        wts = group["wsis_w"].to_numpy()[order]
        keep = wts != 0
        x, wts = x[keep], wts[keep]
        condition = " AND ".join(
            [f"({inside})"]
            + [f"{q(c)} = {literal(v, backend.is_numeric(c))}" for c, v in zip(by, values, strict=True)]
        )
        df = _subset_df(backend, design, condition, overall)
        crit = t_quantile(level, df)
        labels = {c: backend.label(c, v) for c, v in zip(by, values, strict=True)}
        for p in probabilities:
            qhat = quantile_of(x, wts, p)
            (cdf,) = estimate(backend, design, AtMost(variable, qhat), where=condition, df=df)
            lo_p, hi_p = cdf.estimate - crit * cdf.se, cdf.estimate + crit * cdf.se
            low = float("nan") if not math.isfinite(lo_p) or lo_p < 0 else quantile_of(x, wts, lo_p)
            high = float("nan") if not math.isfinite(hi_p) or hi_p > 1 else quantile_of(x, wts, hi_p)
            se = (high - low) / (2 * crit)
            out.append(QuantileEstimate(labels, p, qhat, se, low, high, df, int(len(x))))
    return out
