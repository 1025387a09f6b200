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
    influence_covariance,
    influence_variance,
)
from wsis.engine.survey.calibration import _term_column, design_matrix, factor_levels
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


def irls(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    kind: str,
    names: list[str],
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, float]:
    """R's glm.fit: (coefficients, unscaled covariance, estfun, iterations, deviance), from R's
    starting values or from ``start`` (coefficients)."""
    linkinv, mu_eta, variance, dev_resids, mustart = _family(kind)
    if start is None:
        eta = _linkfun(kind, mustart(y, w))
    else:
        eta = x @ start
    mu = linkinv(eta)
    devold = float(np.sum(dev_resids(y, mu, w)))
    coef = np.zeros(x.shape[1])
    root_w = np.ones(len(y))
    for iteration in range(1, MAXIT + 1):  # noqa: B007 - the count of iterations is reported
        me = mu_eta(eta)
        z = eta + (y - mu) / me
        root_w = np.sqrt(w * me**2 / variance(mu))
        q, r = np.linalg.qr(x * root_w[:, None])
        diag = np.abs(np.diag(r))
        if np.any(diag < 1e-7 * max(float(diag.max()), 1e-300)):
            bad = names[int(np.argmin(diag))]
            raise SurveyInputError(
                f"singular regression design: term {bad!r} is constant or a combination of the others "
                "among the rows used",
                column=bad,
            )
        coef = np.linalg.solve(r, q.T @ (z * root_w))
        eta = x @ coef
        mu = linkinv(eta)
        dev = float(np.sum(dev_resids(y, mu, w)))
        if abs(dev - devold) / (abs(dev) + 0.1) < EPSILON:
            break
        devold = dev
    else:
        raise SurveyInputError(f"the {kind} fit did not converge in {MAXIT} iterations")
    rinv = np.linalg.inv(r)
    ainv = rinv @ rinv.T
    # R: working residuals at the final fit, working weights of the last IRLS step.
    residual = (y - mu) / mu_eta(eta)
    estfun = x * (residual * root_w**2)[:, None]
    return coef, ainv, estfun, iteration, dev


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
    sub = frame.filter(pl.Series(used))
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
    x, names = design_matrix(columns, model.terms, model.intercept, numeric)
    # R normalises the weights by their mean over every row of the design, before dropping incomplete
    # rows; the scale moves the quasibinomial starting values, hence where IRLS stops.
    w = w_all[used] / w_all.mean()
    coef, ainv, estfun, iterations, deviance = irls(x, y, w, family, names)
    taylor = _taylor_of(design)
    if weights.replicate_weights is None:
        assert taylor is not None
        influence = np.zeros((frame.height, len(coef)))
        influence[used] = estfun @ ainv
        for step in weights.residualise:
            influence = step(influence)
        if predict_by:
            covariance = influence_covariance(backend.source, taylor, frame, influence)
            variance = np.diag(covariance).copy()
        else:
            variance, _ = influence_variance(backend.source, taylor, frame, influence)
        df_residual = float(_degf(frame, taylor, used) + 1 - len(coef))
    else:
        # R's svyglm.svyrep.design: refit with each replicate's weights, starting from the full fit.
        reps = weights.replicate_weights[used]
        betas = np.array(
            [
                irls(x, y, reps[:, r] / reps[:, r].mean(), family, names, start=coef)[0]
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
    fit = GlmFit(family, out, float(df_residual), int(used.sum()), iterations, deviance)
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
    x: np.ndarray,
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
    at = (w @ x) / w.sum()  # weighted means of the model matrix over the rows used
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


def _degf(frame: pl.DataFrame, taylor: TaylorDesign, used: np.ndarray) -> int:
    """R's degf of the design restricted to the rows used: PSUs minus strata among them (rows minus
    strata for element sampling)."""
    sub = frame.filter(pl.Series(used))
    strata = sub.select(taylor.strata).n_unique() if taylor.strata else 1
    if not taylor.clusters:
        return sub.height - strata
    keys: Sequence[str] = [c for c in (taylor.strata, taylor.clusters[0]) if c]
    return sub.select(list(keys)).n_unique() - strata
