"""Flags for estimates too unreliable to publish: few respondents or a high coefficient of variation.

Offices set their own thresholds (many suppress below 30 or 50 unweighted cases, or flag a CV above
0.2-0.3), so both are parameters; the defaults are conservative common values, not a standard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ReliabilityThresholds:
    min_n: int = 30
    max_cv: float = 0.3

    def flags(self, n: int, cv: float | None) -> list[str]:
        out = []
        if n < self.min_n:
            out.append(f"small_n<{self.min_n}")
        if cv is not None and (not math.isfinite(cv) or abs(cv) > self.max_cv):
            out.append(f"high_cv>{self.max_cv:g}")
        return out
