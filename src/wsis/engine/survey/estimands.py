"""What is estimated: a mean, the proportion at one level of a variable, a total, or a ratio.

Each estimand is a ratio of weighted totals ``sum(w*y) / sum(w*x)`` (a total has no denominator), which
is what lets one aggregation pass serve every estimator and every domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class _OneVariable:
    """An estimand of one analysis variable: the mean or the total of ``variable``."""

    variable: str
    #: Totals scale with the population; means, proportions and ratios do not (this drives the algebra).
    is_total = False

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.variable,)

    def label(self) -> str:
        return self.variable


@dataclass(frozen=True)
class Mean(_OneVariable):
    pass


@dataclass(frozen=True)
class Total(_OneVariable):
    is_total = True


@dataclass(frozen=True)
class Proportion(_OneVariable):
    """Share of in-scope units whose ``variable`` equals ``level`` (a code or its value label)."""

    level: Any

    def label(self) -> str:
        return f"{self.variable}={self.level}"


@dataclass(frozen=True)
class Ratio:
    numerator: str
    denominator: str

    @property
    def is_total(self) -> bool:
        return False

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    def label(self) -> str:
        return f"{self.numerator}/{self.denominator}"


@dataclass(frozen=True)
class AtMost(_OneVariable):
    """Share of in-scope units whose ``variable`` is at most ``threshold`` (the weighted CDF, which
    Woodruff's quantile interval needs: R's ``svymean(x <= qhat)``)."""

    threshold: float
    #: Per-domain thresholds instead, as (SQL condition, threshold): a row is compared with the
    #: threshold of the first condition it meets, so every domain's CDF comes from one pass.
    by_condition: tuple[tuple[str, float], ...] = ()

    def label(self) -> str:
        return f"{self.variable}<={self.threshold!r}"


Estimand = Mean | Total | Proportion | Ratio | AtMost
