"""Confidence intervals: Wald with the design's degrees of freedom, and for proportions the logit,
arcsine and Korn-Graubard (Clopper-Pearson with an effective sample size) forms of R's ``svyciprop``.
"""

from __future__ import annotations

import math
from typing import Literal

# scipy.special, not scipy.stats: the same quantiles (t, normal, beta) without a second of import time.
from scipy.special import betaincinv, ndtri, stdtrit

CiMethod = Literal["wald", "logit", "clopper-pearson", "asin", "likelihood"]
CI_METHODS: tuple[str, ...] = ("wald", "logit", "clopper-pearson", "asin", "likelihood")


def t_quantile(level: float, df: float) -> float:
    """Two-sided critical value; infinite or missing degrees of freedom give the normal quantile."""
    upper = 1 - (1 - level) / 2
    if df is None or not math.isfinite(df) or df <= 0:
        return float(ndtri(upper))
    return float(stdtrit(df, upper))


def wald(estimate: float, se: float, df: float, level: float = 0.95) -> tuple[float, float]:
    half = t_quantile(level, df) * se
    return estimate - half, estimate + half


def logit(p: float, se: float, df: float, level: float = 0.95) -> tuple[float, float]:
    """Interval on the logit scale, delta-method SE (R's method="xlogit"; "logit" differs only in the
    GLM point estimate, below 1e-9 relative)."""
    if not 0 < p < 1 or se == 0:
        return p, p
    eta = math.log(p / (1 - p))
    half = t_quantile(level, df) * se / (p * (1 - p))
    return _expit(eta - half), _expit(eta + half)


def arcsine(p: float, se: float, df: float, level: float = 0.95) -> tuple[float, float]:
    """R's method="asin": Wald interval for asin(sqrt(p)), mapped back with sin()^2."""
    if not 0 < p < 1 or se == 0:
        return p, p
    theta = math.asin(math.sqrt(p))
    half = t_quantile(level, df) * se / (2 * math.sqrt(p * (1 - p)))
    return math.sin(theta - half) ** 2, math.sin(theta + half) ** 2


def korn_graubard(p: float, se: float, n: int, df: float, level: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson interval at the effective sample size p(1-p)/var, corrected by Korn and
    Graubard's ratio of t quantiles (n - 1 over the design df): R's method="beta"."""
    alpha = 1 - level
    if se == 0 or not math.isfinite(se):
        return p, p
    n_eff = p * (1 - p) / se**2
    if n > 1 and df is not None and math.isfinite(df) and df > 0:
        n_eff *= (stdtrit(n - 1, alpha / 2) / stdtrit(df, alpha / 2)) ** 2
    low = 0.0 if p <= 0 else float(betaincinv(n_eff * p, n_eff * (1 - p) + 1, alpha / 2))
    high = 1.0 if p >= 1 else float(betaincinv(n_eff * p + 1, n_eff * (1 - p), 1 - alpha / 2))
    return low, high


def _expit(eta: float) -> float:
    return 1 / (1 + math.exp(-eta))


def likelihood(p: float, se: float, n: int, df: float, level: float = 0.95) -> tuple[float, float]:
    """R's method="likelihood": the profile-likelihood interval of the intercept-only quasi-binomial
    GLM, with its cutoff widened by the design effect of the coefficient (Rao-Scott style).

    For that model everything reduces to the estimate: with weights scaled to mean 1 the deviance is
    ``2n KL(p || mu)`` and the Pearson dispersion ``n/(n-1)``, the design effect is ``n var/(p(1-p))``,
    so the bounds solve ``2(n-1) KL(p || mu) = t^2 * deff``. R finds them by interpolating a spline
    through a profiled grid, so its bounds differ from these exact roots by about 1e-6.
    """
    if not 0 < p < 1 or se == 0 or n < 2:
        return p, p
    cutoff = t_quantile(level, df) ** 2 * n * se**2 / (p * (1 - p))

    def excess(mu: float) -> float:
        kl = p * math.log(p / mu) + (1 - p) * math.log((1 - p) / (1 - mu))
        return 2 * (n - 1) * kl - cutoff

    from scipy.optimize import brentq

    tiny = 1e-15
    return float(brentq(excess, tiny, p, xtol=1e-15)), float(brentq(excess, p, 1 - tiny, xtol=1e-15))
