"""Design-based estimates with SE, CV, confidence interval, design effect and reliability flags.

``estimate()`` is the one entry point: it runs one aggregation pass for the design and estimand, then
the variance algebra on the small aggregated table, and returns one :class:`Estimate` per domain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from wsis.engine.survey.aggregate import aggregate_taylor
from wsis.engine.survey.backend import Backend, as_backend
from wsis.engine.survey.design import (
    BuiltReplicates,
    CalibratedDesign,
    Design,
    ReplicateDesign,
    TaylorDesign,
)
from wsis.engine.survey.errors import SurveyInputError
from wsis.engine.survey.estimands import Estimand, Proportion, Ratio
from wsis.engine.survey.intervals import CI_METHODS, arcsine, korn_graubard, likelihood, logit, wald
from wsis.engine.survey.linearization import linearized_variance
from wsis.engine.survey.readers import SurveyData
from wsis.engine.survey.reliability import ReliabilityThresholds
from wsis.engine.survey.replicate import (
    aggregate_file_replicates,
    build_factors,
    replicate_variance,
)
from wsis.engine.survey.sums import DomainSums as _Sums


@dataclass
class Estimate:
    domain: dict[str, Any]
    estimate: float
    se: float
    cv: float | None
    ci_low: float
    ci_high: float
    df: float
    n: int
    deff: float | None
    deff_replace: float | None = None
    flags: list[str] = field(default_factory=list)

    def as_row(self) -> dict[str, Any]:
        """JSON-ready row of the CLI contract; NaN and infinities become null."""
        row = asdict(self)
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
        return row


def estimate(
    data: SurveyData | Backend,
    design: Design,
    estimand: Estimand,
    *,
    by: Sequence[str] = (),
    where: str | None = None,
    ci: str = "wald",
    level: float = 0.95,
    df: float | None = None,
    thresholds: ReliabilityThresholds | None = None,
) -> list[Estimate]:
    """Estimate ``estimand`` for each domain of ``by`` (within ``where``), keeping the full design."""
    if ci not in CI_METHODS:
        raise SurveyInputError(f"confidence interval must be one of {', '.join(CI_METHODS)}")
    if ci in ("logit", "clopper-pearson", "asin", "likelihood") and not isinstance(estimand, Proportion):
        raise SurveyInputError(f"--ci {ci} is for proportions; use wald for means, totals and ratios")
    backend = as_backend(data)
    by = list(by)
    if isinstance(design, TaylorDesign):
        sums = _taylor(backend, design, estimand, by, where)
    elif isinstance(design, ReplicateDesign):
        sums = _file_replicates(backend, design, estimand, by, where)
    elif isinstance(design, BuiltReplicates):
        sums = _built_replicates(backend, design, estimand, by, where)
    elif isinstance(design, CalibratedDesign):
        from wsis.engine.survey.calibrated import calibrated_sums

        sums = calibrated_sums(backend, design, estimand, by, where)
    else:
        raise TypeError(f"unknown design {design!r}")
    dof = sums.df if df is None else df
    thresholds = thresholds or ReliabilityThresholds()
    out = []
    for d, values in enumerate(sums.domains):
        est = float(sums.estimate[d])
        se = math.sqrt(sums.variance[d]) if sums.variance[d] >= 0 else float("nan")
        n = int(sums.n[d])
        cv = se / abs(est) if est != 0 else None
        if ci == "logit":
            low, high = logit(est, se, dof, level)
        elif ci == "asin":
            low, high = arcsine(est, se, dof, level)
        elif ci == "likelihood":
            low, high = likelihood(est, se, n, dof, level)
        elif ci == "clopper-pearson":
            low, high = korn_graubard(est, se, n, dof, level)
        else:
            low, high = wald(est, se, dof, level)
        deff, deff_replace = _design_effects(estimand, sums, d)
        labels = {col: backend.label(col, v) for col, v in zip(by, values, strict=True)}
        out.append(
            Estimate(labels, est, se, cv, low, high, dof, n, deff, deff_replace, thresholds.flags(n, cv))
        )
    return out


def _design_effects(estimand: Estimand, sums: _Sums, d: int) -> tuple[float | None, float | None]:
    """R's deff=TRUE (without replacement) and deff="replace" against simple random sampling."""
    if isinstance(estimand, Ratio):
        return None, None
    n, psum = float(sums.n[d]), float(sums.sw[d])
    if n < 2 or psum == 0:
        return None, None
    mean = sums.swy[d] / psum
    svyvar = n / (n - 1) * (sums.swyy[d] / psum - mean**2)
    if estimand.is_total:
        svyvar *= psum**2
    v = float(sums.variance[d])
    replace = svyvar / n
    deff_replace = float(v / replace) if replace > 0 else None
    # Without replacement needs weights that sum to a population; weights scaled to n make it undefined.
    deff = float(v / (svyvar * (psum - n) / (psum * n))) if psum > n and svyvar > 0 else None
    return deff, deff_replace


def _taylor(
    backend: Backend, design: TaylorDesign, estimand: Estimand, by: list[str], where: str | None
) -> _Sums:
    table = aggregate_taylor(backend, design, estimand, by, where)
    D = len(table.domains)
    inside = table.domain >= 0
    if not inside.any():
        raise SurveyInputError("no rows in the requested domain", source=backend.source)
    dom = table.domain[inside]

    def per_domain(values: np.ndarray) -> np.ndarray:
        return np.bincount(dom, weights=values[inside], minlength=D)

    Y, X = per_domain(table.swy), per_domain(table.swx)
    z = np.zeros(len(table.domain))
    z2 = None
    if estimand.is_total:
        est = Y
        z[inside] = table.swy[inside]
        if table.element:
            z2 = table.moments["m2aa"]
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            est = Y / X
        r, xd = est[dom], X[dom]
        z[inside] = (table.swy[inside] - r * table.swx[inside]) / xd
        if table.element:
            m = table.moments
            z2 = np.zeros(len(table.domain))
            z2[inside] = (m["m2aa"][inside] - 2 * r * m["m2ab"][inside] + r**2 * m["m2bb"][inside]) / xd**2
    label = design.strata or (design.clusters[0] if design.clusters else "strata")
    variance = linearized_variance(table, design, z, z2, D, label)
    return _Sums(
        table.domains,
        est,
        variance,
        per_domain(table.n),
        per_domain(table.sw),
        Y,
        per_domain(table.swyy),
        float(table.degrees_of_freedom),
    )


def _file_replicates(
    backend: Backend, design: ReplicateDesign, estimand: Estimand, by: list[str], where: str | None
) -> _Sums:
    sums = aggregate_file_replicates(backend, design, estimand, by, where)
    with np.errstate(divide="ignore", invalid="ignore"):
        if estimand.is_total:
            theta, reps = sums.swy, sums.rep_y
        else:
            theta, reps = sums.swy / sums.swx, sums.rep_y / sums.rep_x
    variance = replicate_variance(theta, reps, sums.scale, sums.rscales, sums.mse)
    return _Sums(sums.domains, theta, variance, sums.n, sums.sw, sums.swy, sums.swyy, sums.df)


def _built_replicates(
    backend: Backend, built: BuiltReplicates, estimand: Estimand, by: list[str], where: str | None
) -> _Sums:
    if not built.base.clusters:
        raise SurveyInputError("replicates are built from PSUs: give --psu (a row id for element sampling)")
    if built.base.weight is None and len(built.base.clusters) > 1:
        raise SurveyInputError("building replicates from a multi-stage design needs --weight")
    base = TaylorDesign(
        strata=built.base.strata,
        clusters=built.base.clusters[:1],
        weight=built.base.weight,
        fpc=built.base.fpc[:1],
        nest=built.base.nest,
        lonely_psu=built.base.lonely_psu,
        ultimate_cluster=True,
    )
    table = aggregate_taylor(backend, base, estimand, by, where)
    D = len(table.domains)
    inside = table.domain >= 0
    dom = table.domain[inside]
    unit = table.units[0][inside]
    U = len(table.unit_parent[0])
    py = np.zeros((U, D))
    px = np.zeros((U, D))
    np.add.at(py, (unit, dom), table.swy[inside])
    np.add.at(px, (unit, dom), table.swx[inside])
    psu_values = table.psu_values
    factors = build_factors(table, built, psu_values)
    rep_y = (factors.factors @ py).T
    rep_x = (factors.factors @ px).T
    Y, X = py.sum(axis=0), px.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if estimand.is_total:
            theta, reps = Y, rep_y
        else:
            theta, reps = Y / X, rep_y / rep_x
    variance = replicate_variance(theta, reps, factors.scale, factors.rscales, built.mse)

    def per_domain(values: np.ndarray) -> np.ndarray:
        return np.bincount(dom, weights=values[inside], minlength=D)

    R = factors.factors.shape[0]
    return _Sums(
        table.domains,
        theta,
        variance,
        per_domain(table.n),
        per_domain(table.sw),
        Y,
        per_domain(table.swyy),
        float(R - 1) if built.type in ("bootstrap", "SDR") else float(table.degrees_of_freedom),
    )
