"""Regression on survey data, as R's ``svyglm``: Gaussian (identity link) and quasi-binomial (logit link).

The coefficients are R's ``glm`` fit with the sampling weights (IRLS from R's starting values, stopping
when the relative change in deviance is below 1e-8, as ``glm.fit``); the SEs are the design-based
sandwich ``svyrecvar(estfun %*% Ainv)`` with ``estfun = X * working residual * working weight`` and
``Ainv`` the unscaled covariance of the last IRLS step, exactly the pieces R's ``svy.varcoef`` uses.
``df.residual = degf(design of the rows used) + 1 - coefficients``. Calibrated designs carry their
residualisation into the sandwich; replicate designs refit with each replicate's weights (starting
from the full-sample fit, as R's ``svyglm.svyrep.design``). Conventions: docs/survey-conventions.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy.special import stdtr

from wsis.engine.survey.aggregate import offending_rows, require
from wsis.engine.survey.backend import Backend, as_backend
from wsis.engine.survey.calibrated import (
    _fetch,
    _taylor_of,
    apply_steps,
    unit_covariance,
    unit_structure,
    unit_totals,
    unit_variance,
)
from wsis.engine.survey.calibration import ModelMatrix, _term_column, factor_levels, model_columns
from wsis.engine.survey.design import Design, TaylorDesign
from wsis.engine.survey.errors import SurveyInputError
from wsis.engine.survey.intervals import t_quantile
from wsis.engine.survey.readers import SurveyData
from wsis.engine.survey.replicate import replicate_variance

Family = Literal["gaussian", "quasibinomial"]
FAMILIES: tuple[str, ...] = ("gaussian", "quasibinomial")
EPSILON = 1e-8  # glm.control()
MAXIT = 25


@dataclass(frozen=True)
class Formula:
    """``response ~ term + term`` (``factor(x)`` forces a factor; ``0`` or ``-1`` drops the intercept)."""

    response: str
    terms: tuple[str, ...]
    intercept: bool = True

    @classmethod
    def parse(cls, text: str) -> Formula:
        if "~" not in text:
            raise SurveyInputError(f"a model formula reads 'response ~ term + term', got {text!r}")
        left, right = (part.strip() for part in text.split("~", 1))
        if not left:
            raise SurveyInputError(f"the formula {text!r} has no response")
        terms: list[str] = []
        intercept = True
        for raw in re.split(r"\+", right.replace("- 1", "+ -1").replace("-1", "+ -1")):
            term = raw.strip()
            if term in ("0", "-1"):
                intercept = False
            elif term == "1" or term == "":
                continue
            else:
                terms.append(term)
        return cls(left, tuple(terms), intercept)


@dataclass
class Coefficient:
    term: str
    estimate: float
    se: float
    t: float
    p_value: float
    ci_low: float
    ci_high: float


@dataclass
class Prediction:
    """The predicted mean (share, for quasibinomial) at one level of a factor, other covariates at their
    weighted means over the rows used."""

    term: str
    level: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float


@dataclass
class GlmFit:
    family: str
    coefficients: list[Coefficient]
    df_residual: float
    nobs: int
    iterations: int
    deviance: float
    predictions: list[Prediction] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if not out["predictions"]:
            out.pop("predictions")
        for row in out["coefficients"] + out.get("predictions", []):
            for key, value in row.items():
                if isinstance(value, float) and not math.isfinite(value):
                    row[key] = None
        return out


def _family(kind: str) -> tuple[Any, Any, Any, Any, Any]:
    """(linkinv, mu.eta, variance, dev.resids, mustart) of R's gaussian() and quasibinomial()."""
    if kind == "gaussian":
        return (
            lambda eta: eta,
            lambda eta: np.ones_like(eta),
            lambda mu: np.ones_like(mu),
            lambda y, mu, w: w * (y - mu) ** 2,
            lambda y, w: y.copy(),
        )

    def linkinv(eta: np.ndarray) -> np.ndarray:
        # R's C logit_linkinv: thresholds keep mu strictly inside (0, 1).
        thresh = -math.log(np.finfo(float).eps)
        e = np.exp(np.clip(eta, -thresh, thresh))
        return e / (1 + e)

    def mu_eta(eta: np.ndarray) -> np.ndarray:
        e = np.exp(eta)
        out = e / (1 + e) ** 2
        return np.where(np.abs(eta) > 30, np.finfo(float).eps, out)

    def dev(y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(y > 0, y * np.log(y / mu), 0.0)
            b = np.where(y < 1, (1 - y) * np.log((1 - y) / (1 - mu)), 0.0)
        return 2 * w * (a + b)

    return (
        linkinv,
        mu_eta,
        lambda mu: mu * (1 - mu),
        dev,
        lambda y, w: (w * y + 0.5) / (w + 1),
    )


def _linkfun(kind: str, mu: np.ndarray) -> np.ndarray:
    return mu if kind == "gaussian" else np.log(mu / (1 - mu))


BLOCK_ROWS = 262_144  # rows of the model matrix built at a time


@dataclass
class IrlsFit:
    """R's glm.fit result: coefficients, unscaled covariance, and per row the working residual times
    the working weight of the last step (``estfun`` is the model matrix times it)."""

    coef: np.ndarray
    ainv: np.ndarray
    score_weight: np.ndarray
    iterations: int
    deviance: float


# Above this condition number of the first Cholesky factor, CholeskyQR2 is no longer as accurate as
# Householder QR (its error grows with cond^2 * eps), so the Householder blocks are used instead.
CHOLESKY_QR_CONDITION = 1e6


def _weighted_blocks(x: ModelMatrix, root_w: np.ndarray, z: np.ndarray) -> Any:
    for start in range(0, x.rows, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, x.rows)
        block = x.block(start, stop, spare=1)
        block[:, -1] = z[start:stop]
        block *= root_w[start:stop, None]
        yield block


def _weighted_r(x: ModelMatrix, root_w: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The R factor of the weighted least-squares problem [X z] * root_w (its last column holds Q'z),
    by blocks of rows so that the matrix is never held whole.

    CholeskyQR2 (two Cholesky passes: the second on the rows made orthogonal by the first) gives R to
    Householder accuracy for well-conditioned designs at the cost of two matrix products per block,
    an order of magnitude faster than Householder on tall matrices; ill-conditioned or nearly
    singular designs take Householder QR of each block, then of the stacked factors (the same R up to
    signs as one QR of all rows), as R's glm.fit would."""
    p = len(x.names) + 1
    try:
        gram = np.zeros((p, p))
        for block in _weighted_blocks(x, root_w, z):
            gram += block.T @ block
        r1 = np.linalg.cholesky(gram).T
        if np.linalg.cond(r1[:-1, :-1]) < CHOLESKY_QR_CONDITION:
            r1_inv = np.linalg.inv(r1)
            gram = np.zeros((p, p))
            for block in _weighted_blocks(x, root_w, z):
                q = block @ r1_inv
                gram += q.T @ q
            r = np.linalg.cholesky(gram).T @ r1
            diag = np.abs(np.diag(r[:-1, :-1]))
            if diag.min() > 1e-5 * diag.max():  # far from the singularity test: no need to refine
                return r
    except np.linalg.LinAlgError:
        pass
    parts: list[np.ndarray] = [np.linalg.qr(block, mode="r") for block in _weighted_blocks(x, root_w, z)]  # type: ignore[misc]
    return np.linalg.qr(np.vstack(parts), mode="r") if len(parts) > 1 else parts[0]  # type: ignore[return-value]


def _linear_predictor(x: ModelMatrix, coef: np.ndarray) -> np.ndarray:
    return np.concatenate(
        [x.block(i, min(i + BLOCK_ROWS, x.rows)) @ coef for i in range(0, x.rows, BLOCK_ROWS)]
    )


def irls(
    x: ModelMatrix,
    y: np.ndarray,
    w: np.ndarray,
    kind: str,
    start: np.ndarray | None = None,
) -> IrlsFit:
    """R's glm.fit from R's starting values or from ``start`` (coefficients)."""
    linkinv, mu_eta, variance, dev_resids, mustart = _family(kind)
    names, p = x.names, len(x.names)
    eta = _linkfun(kind, mustart(y, w)) if start is None else _linear_predictor(x, start)
    mu = linkinv(eta)
    devold = float(np.sum(dev_resids(y, mu, w)))
    coef = np.zeros(p)
    root_w = np.ones(len(y))
    for iteration in range(1, MAXIT + 1):  # noqa: B007 - the count of iterations is reported
        me = mu_eta(eta)
        z = eta + (y - mu) / me
        root_w = np.sqrt(w * me**2 / variance(mu))
        r_full = _weighted_r(x, root_w, z)
        r = r_full[:p, :p]
        diag = np.abs(np.diag(r))
        if np.any(diag < 1e-7 * max(float(diag.max()), 1e-300)):
            bad = names[int(np.argmin(diag))]
            raise SurveyInputError(
                f"singular regression design: term {bad!r} is constant or a combination of the others "
                "among the rows used",
                column=bad,
            )
        coef = np.linalg.solve(r, r_full[:p, p])
        eta = _linear_predictor(x, coef)
        mu = linkinv(eta)
        dev = float(np.sum(dev_resids(y, mu, w)))
        if abs(dev - devold) / (abs(dev) + 0.1) < EPSILON:
            break
        devold = dev
    else:
        raise SurveyInputError(f"the {kind} fit did not converge in {MAXIT} iterations")
    rinv = np.linalg.inv(r)
    # R: working residuals at the final fit, working weights of the last IRLS step.
    score_weight = (y - mu) / mu_eta(eta) * root_w**2
    return IrlsFit(coef, rinv @ rinv.T, score_weight, iteration, dev)


def influence_blocks(x: ModelMatrix, fit: IrlsFit) -> Any:
    """Rows of ``estfun %*% Ainv`` (R's influence functions of the coefficients), block by block."""
    for start in range(0, x.rows, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, x.rows)
        yield start, stop, (x.block(start, stop) * fit.score_weight[start:stop, None]) @ fit.ainv


def svyglm(
    data: SurveyData | Backend,
    design: Design,
    formula: Formula | str,
    *,
    family: str = "gaussian",
    where: str | None = None,
    level: float = 0.95,
    predict_by: str | None = None,
) -> GlmFit:
    """``svyglm(formula, design, family=)``; rows with a missing response or term are left out (R's
    ``na.action``), keeping their PSUs in the design; ``where`` restricts the fit to a domain.

    ``predict_by`` names a factor term: the fit then also predicts the mean response (the share, for
    quasibinomial) at each of its levels with the other covariates at their weighted means, with a
    delta-method SE from the coefficients' design covariance (R: ``predict(fit, newdata, se.fit=TRUE)``
    on such a newdata), the interval formed on the link scale."""
    if family not in FAMILIES:
        raise SurveyInputError(f"family must be one of {', '.join(FAMILIES)}")
    model = Formula.parse(formula) if isinstance(formula, str) else formula
    backend = as_backend(data)
    q = backend.dialect.q
    variables = [model.response] + [_term_column(t)[0] for t in model.terms]
    for col in variables:
        require(backend, col)
    if not backend.is_numeric(model.response):
        raise SurveyInputError(
            'the response must be numeric (0/1 for quasibinomial): derive it, e.g. --derive "y=CASE ... END"',
            column=model.response,
            source=backend.source,
        )
    complete = " AND ".join(f"{q(c)} IS NOT NULL" for c in dict.fromkeys(variables))
    if where:
        complete += f" AND COALESCE(({where}), FALSE)"
    extra = {"wsis_used": f"({complete})"} | {f"wsis_v{i}": q(c) for i, c in enumerate(variables)}
    frame = _fetch(backend, design, extra)
    weights = apply_steps(backend, design, frame)
    w_all = weights.weights
    used = frame["wsis_used"].fill_null(False).to_numpy().astype(bool)
    if used.sum() == 0:
        raise SurveyInputError("no complete rows for the model", source=backend.source)
    # Every row complete (the usual case): no copy of the data.
    sub = frame if used.all() else frame.filter(pl.Series(used))
    y = sub["wsis_v0"].cast(pl.Float64).to_numpy()
    if family == "quasibinomial" and (np.any(y < 0) or np.any(y > 1)):
        rows = offending_rows(backend, f"{q(model.response)} < 0 OR {q(model.response)} > 1")
        raise SurveyInputError(
            "a quasibinomial response must lie in [0, 1]",
            column=model.response,
            rows=rows,
            source=backend.source,
        )
    columns = {c: sub[f"wsis_v{i}"].to_numpy() for i, c in enumerate(variables)}
    numeric = {c: backend.is_numeric(c) for c in variables}
    x = model_columns(columns, model.terms, model.intercept, numeric)
    names = x.names
    # R normalises the weights by their mean over every row of the design, before dropping incomplete
    # rows; the scale moves the quasibinomial starting values, hence where IRLS stops.
    w = w_all[used] / w_all.mean()
    fit_ = irls(x, y, w, family)
    coef = fit_.coef
    taylor = _taylor_of(design)
    if weights.replicate_weights is None:
        assert taylor is not None
        rows_used = np.flatnonzero(used)
        if weights.residualise:
            # Calibration residualises every row's influence, so the rows are needed all at once.
            influence = np.zeros((frame.height, len(coef)))
            for start, stop, block in influence_blocks(x, fit_):
                influence[rows_used[start:stop]] = block
            for step in weights.residualise:
                influence = step(influence)
            units, index = unit_structure(frame, taylor)
            totals = unit_totals(influence, index, units.height)
        else:
            totals, units = _unit_influence(frame, taylor, x, fit_, rows_used)
        if predict_by:
            covariance = unit_covariance(backend.source, taylor, units, totals)
            variance = np.diag(covariance).copy()
        else:
            variance, _ = unit_variance(backend.source, taylor, units, totals)
        df_residual = float(_degf(frame, taylor, used) + 1 - len(coef))
    else:
        # R's svyglm.svyrep.design: refit with each replicate's weights, starting from the full fit.
        reps = weights.replicate_weights[used]
        betas = np.array(
            [
                irls(x, y, reps[:, r] / reps[:, r].mean(), family, start=coef).coef
                for r in range(reps.shape[1])
            ]
        )
        assert weights.rscales is not None
        variance = np.array(
            [
                replicate_variance(
                    coef[k : k + 1], betas[:, k][None, :], weights.scale, weights.rscales, weights.mse
                )[0]
                for k in range(len(coef))
            ]
        )
        df_residual = weights.df + 1 - len(coef)
        centre = coef if weights.mse else betas.mean(axis=0)
        deviations = betas - centre
        covariance = weights.scale * (deviations * weights.rscales[:, None]).T @ deviations
    crit = t_quantile(level, df_residual)
    out = []
    for name, b, v in zip(names, coef, variance, strict=True):
        se = math.sqrt(v)
        t = b / se if se > 0 else float("nan")
        p = 2 * float(stdtr(df_residual, -abs(t))) if math.isfinite(t) else float("nan")
        out.append(Coefficient(name, float(b), se, t, p, float(b - crit * se), float(b + crit * se)))
    fit = GlmFit(family, out, float(df_residual), int(used.sum()), fit_.iterations, fit_.deviance)
    if predict_by:
        fit.predictions = _predictions(
            model, predict_by, columns, numeric, x, w, names, coef, covariance, family, crit
        )
    return fit


def _predictions(
    model: Formula,
    term: str,
    columns: dict[str, np.ndarray],
    numeric: dict[str, bool],
    x: ModelMatrix,
    w: np.ndarray,
    names: list[str],
    coef: np.ndarray,
    covariance: np.ndarray,
    family: str,
    crit: float,
) -> list[Prediction]:
    if term not in model.terms:
        raise SurveyInputError(f"{term!r} is not a term of the model ({', '.join(model.terms)})", column=term)
    col, forced = _term_column(term)
    if numeric[col] and not forced:
        raise SurveyInputError(
            "predictions are by the levels of a factor: a text column or factor(x)", column=col
        )
    prefix = term if forced else col
    levels = factor_levels(columns[col], numeric[col])
    mine = [i for i, n in enumerate(names) if n in {f"{prefix}{lv}" for lv in levels}]
    # Weighted means of the model matrix over the rows used.
    at = np.zeros(len(names))
    for i in range(0, x.rows, BLOCK_ROWS):
        at += w[i : i + BLOCK_ROWS] @ x.block(i, min(i + BLOCK_ROWS, x.rows))
    at /= w.sum()
    linkinv, mu_eta, *_ = _family(family)
    out = []
    for lv in levels:
        point = at.copy()
        point[mine] = 0.0
        if f"{prefix}{lv}" in names:
            point[names.index(f"{prefix}{lv}")] = 1.0
        eta = float(point @ coef)
        eta_se = math.sqrt(max(float(point @ covariance @ point), 0.0))
        mu = float(linkinv(np.array([eta]))[0])
        se = float(mu_eta(np.array([eta]))[0]) * eta_se
        low, high = (float(linkinv(np.array([eta + s * crit * eta_se]))[0]) for s in (-1, 1))
        out.append(Prediction(term, lv, mu, se, low, high))
    return out


def _unit_influence(
    frame: pl.DataFrame, taylor: TaylorDesign, x: ModelMatrix, fit: IrlsFit, rows_used: np.ndarray
) -> tuple[np.ndarray, pl.DataFrame]:
    """Totals of the coefficients' influence functions per sampling unit, accumulated block by block
    (the Taylor variance sees only these), and the units."""
    units, index = unit_structure(frame, taylor)
    totals = np.zeros((units.height if index is not None else frame.height, len(fit.coef)))
    for start, stop, block in influence_blocks(x, fit):
        rows = rows_used[start:stop]
        if index is None:  # element sampling: each row is its own unit
            totals[rows] = block
            continue
        for k in range(block.shape[1]):
            totals[:, k] += np.bincount(index[rows], weights=block[:, k], minlength=units.height)
    return totals, units


def _degf(frame: pl.DataFrame, taylor: TaylorDesign, used: np.ndarray) -> int:
    """R's degf of the design restricted to the rows used: PSUs minus strata among them (rows minus
    strata for element sampling)."""
    sub = frame.filter(pl.Series(used))
    strata = sub.select(taylor.strata).n_unique() if taylor.strata else 1
    if not taylor.clusters:
        return sub.height - strata
    keys: Sequence[str] = [c for c in (taylor.strata, taylor.clusters[0]) if c]
    return sub.select(list(keys)).n_unique() - strata
