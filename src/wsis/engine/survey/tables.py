"""Two-way tables and tests of association and difference, as R's ``svytable``, ``svychisq`` (Rao-Scott)
and ``svyttest`` compute them. Conventions: docs/survey-conventions.md.

``svychisq`` follows R line by line: the saturated cell proportions (``svymean`` of the cell indicators
over complete rows) and their full design covariance V; the contrast matrix C of the interaction
columns residualised on the main effects; ``Delta = (C' D^-1 C / N)^-1 C' D^-1 V D^-1 C``; Pearson's
X^2 on the weighted table rescaled to N = every row of the design (incomplete ones included). ``F`` is
``X^2 / tr(Delta)`` on ``tr(Delta)^2 / tr(Delta^2)`` and that times (PSUs - strata) degrees of freedom;
``Chisq`` reports the unadjusted X^2 with ``(r-1)(c-1)`` df and the p-value of ``X^2 / mean(diag Delta)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy.special import chdtrc, fdtrc, stdtr

from wsis.engine.survey.aggregate import _sort_key, check_weights, require
from wsis.engine.survey.backend import Backend, as_backend
from wsis.engine.survey.calibrated import influence_covariance
from wsis.engine.survey.design import Design, TaylorDesign
from wsis.engine.survey.errors import SurveyInputError
from wsis.engine.survey.glm import svyglm
from wsis.engine.survey.intervals import t_quantile
from wsis.engine.survey.readers import SurveyData


def _taylor(design: Design, what: str) -> TaylorDesign:
    if not isinstance(design, TaylorDesign):
        raise SurveyInputError(
            f"{what} is available for Taylor designs (strata, PSUs, weights) only, for now"
        )
    return design


@dataclass
class Cell:
    row: Any
    column: Any
    total: float

    def label(self) -> str:
        return f"{self.row}:{self.column}"


def _fetch(backend: Backend, design: TaylorDesign, row: str, column: str) -> pl.DataFrame:
    q = backend.dialect.q
    for col in (row, column):
        require(backend, col)
    if design.weight:
        check_weights(backend, design.weight)
    cols = list(dict.fromkeys([c for c in (design.strata, *design.clusters, *design.fpc) if c]))
    w = f"CAST({q(design.weight)} AS DOUBLE)" if design.weight else "1.0"
    select = [f"{q(c)} AS {q('c' + str(i))}" for i, c in enumerate(cols)]
    select += [f"{w} AS wsis_w", f"{q(row)} AS wsis_r", f"{q(column)} AS wsis_c"]
    frame = backend.query(f"SELECT {', '.join(select)} FROM {backend.relation}")  # noqa: S608 - quoted identifiers
    return frame.rename({f"c{i}": c for i, c in enumerate(cols)})


def _levels(series: pl.Series) -> list[Any]:
    return sorted(series.drop_nulls().unique().to_list(), key=_sort_key)


def svytable(data: SurveyData | Backend, design: Design, row: str, column: str) -> list[Cell]:
    """``svytable(~row+column, design)``: sums of weights per cell (rows with a missing value left out),
    the row variable varying fastest, as R prints it."""
    backend = as_backend(data)
    frame = _fetch(backend, _taylor(design, "svytable"), row, column)
    complete = frame.filter(pl.col("wsis_r").is_not_null() & pl.col("wsis_c").is_not_null())
    sums = complete.group_by(["wsis_r", "wsis_c"]).agg(pl.col("wsis_w").sum())
    found = {(r, c): s for r, c, s in sums.iter_rows()}
    return [
        Cell(r, c, float(found.get((r, c), 0.0)))
        for c in _levels(frame["wsis_c"])
        for r in _levels(frame["wsis_r"])
    ]


@dataclass
class ChisqResult:
    statistic: str  # "F" or "Chisq"
    value: float
    ndf: float
    ddf: float | None
    p_value: float
    chisq: float  # Pearson's X^2 on the rescaled table (unadjusted)


def svychisq(
    data: SurveyData | Backend, design: Design, row: str, column: str, statistic: str = "F"
) -> ChisqResult:
    """``svychisq(~row+column, design, statistic=)`` with the Rao-Scott ``F`` or ``Chisq``."""
    if statistic not in ("F", "Chisq"):
        raise SurveyInputError("statistic must be F or Chisq")
    backend = as_backend(data)
    taylor = _taylor(design, "svychisq")
    frame = _fetch(backend, taylor, row, column)
    rows, cols = _levels(frame["wsis_r"]), _levels(frame["wsis_c"])
    nr, nc = len(rows), len(cols)
    if nr < 2 or nc < 2:
        small = row if nr < 2 else column
        raise SurveyInputError("a test of association needs at least two categories", column=small)
    N = frame.height
    r_index = {v: i for i, v in enumerate(rows)}
    c_index = {v: i for i, v in enumerate(cols)}
    rv, cv = frame["wsis_r"].to_list(), frame["wsis_c"].to_list()
    complete = np.array([a is not None and b is not None for a, b in zip(rv, cv, strict=True)])
    cell = np.array(
        [r_index[a] + nr * c_index[b] if ok else -1 for a, b, ok in zip(rv, cv, complete, strict=True)]
    )
    K = nr * nc
    w = frame["wsis_w"].to_numpy().astype(float)
    wc = np.where(complete, w, 0.0)
    total = wc.sum()
    p = np.bincount(cell[complete], weights=w[complete], minlength=K) / total
    # Influence values of svymean on the cell indicators (complete rows; the rest keep their PSU).
    indicator = np.zeros((N, K))
    indicator[np.flatnonzero(complete), cell[complete]] = 1.0
    z = wc[:, None] * (indicator - p[None, :]) / total
    V = influence_covariance(backend.source, taylor, frame, z)
    grid_r = np.tile(np.arange(nr), nc)
    grid_c = np.repeat(np.arange(nc), nr)
    X1 = np.column_stack(
        [np.ones(K)]
        + [(grid_r == i).astype(float) for i in range(1, nr)]
        + [(grid_c == j).astype(float) for j in range(1, nc)]
    )
    inter = np.column_stack(
        [((grid_r == i) & (grid_c == j)).astype(float) for j in range(1, nc) for i in range(1, nr)]
    )
    Q, _ = np.linalg.qr(X1)
    C = inter - Q @ (Q.T @ inter)
    inv_d = np.diag(np.where(p == 0, 0.0, 1 / np.where(p == 0, 1.0, p)))
    denom = C.T @ (inv_d / N) @ C
    numer = C.T @ inv_d @ V @ inv_d @ C
    delta = np.linalg.solve(denom, numer)
    trace = float(np.trace(delta))
    d0 = trace**2 / float(np.trace(delta @ delta))
    table = np.bincount(cell[complete], weights=w[complete], minlength=K).reshape(nc, nr).T * N / total
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = float(np.nansum((table - expected) ** 2 / expected))
    psus = _first_stage_units(frame, taylor)
    strata = frame.select(taylor.strata).n_unique() if taylor.strata else 1
    nu = psus - strata
    if statistic == "F":
        f = x2 / trace
        return ChisqResult("F", f, d0, d0 * nu, float(fdtrc(d0, d0 * nu, f)), x2)
    df = (nr - 1) * (nc - 1)
    return ChisqResult(
        "Chisq", x2, float(df), None, float(chdtrc(df, x2 / float(np.mean(np.diag(delta))))), x2
    )


def _first_stage_units(frame: pl.DataFrame, taylor: TaylorDesign) -> int:
    if not taylor.clusters:
        return frame.height
    keys = [c for c in (taylor.strata, taylor.clusters[0]) if c] if taylor.nest else [taylor.clusters[0]]
    return frame.select(keys).n_unique()


@dataclass
class TTestResult:
    estimate: float
    se: float
    t: float
    df: float
    p_value: float
    ci_low: float
    ci_high: float
    term: str


def svyttest(
    data: SurveyData | Backend,
    design: Design,
    response: str,
    group: str | None = None,
    level: float = 0.95,
) -> TTestResult:
    """``svyttest(response ~ group, design)``: the difference between two groups (the coefficient of the
    group in ``svyglm(response ~ group)``, df = degf - 1); without a group, the one-sample test of the
    mean against 0 (R's ``response ~ 0``), also on degf - 1 degrees of freedom."""
    backend = as_backend(data)
    taylor = _taylor(design, "svyttest")
    if group is not None:
        require(backend, group)
        count = f"SELECT COUNT(DISTINCT {backend.dialect.q(group)}) AS k FROM {backend.relation}"  # noqa: S608 - quoted identifier
        frame = backend.query(count)
        if int(frame["k"][0]) != 2:
            raise SurveyInputError(
                f"a two-group t-test needs exactly two groups, found {int(frame['k'][0])}", column=group
            )
    fit = svyglm(backend, taylor, f"{response} ~ {group}" if group else f"{response} ~ 1")
    coefficient = fit.coefficients[-1]
    df = fit.df_residual if group else fit.df_residual - 1
    t = coefficient.estimate / coefficient.se
    p = 2 * float(stdtr(df, -abs(t)))
    crit = t_quantile(level, df)
    half = crit * coefficient.se
    return TTestResult(
        coefficient.estimate,
        coefficient.se,
        t,
        df,
        p,
        coefficient.estimate - half,
        coefficient.estimate + half,
        coefficient.term,
    )


__all__ = ["Cell", "ChisqResult", "TTestResult", "math", "svychisq", "svytable", "svyttest"]
