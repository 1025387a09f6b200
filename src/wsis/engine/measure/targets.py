"""Current status against a target: how far a figure is towards it, and ITU's achievement bands.

ITU's DataHub dashboards of the 2030 universal and meaningful connectivity targets count a target met
at 95% and show bands Limited 0-50, Satisfactory 50-75, Advanced 75-95 and Target met 95-100. Achievement
is the figure as a percentage of the target (``100 x value / target`` for "at least" targets, ``100 x
target / value`` for "at most" ones such as prices), capped at 100; for the 100% targets it is the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Band:
    label: str
    low: float  # inclusive
    high: float  # exclusive, except the last band


UMC_BANDS: tuple[Band, ...] = (
    Band("Limited", 0, 50),
    Band("Satisfactory", 50, 75),
    Band("Advanced", 75, 95),
    Band("Target met", 95, 100),
)


def achievement(value: float, target: float, direction: Literal["at_least", "at_most"] = "at_least") -> float:
    """The figure as a percentage of the target, capped at 100."""
    if target <= 0 or value < 0:
        raise ValueError(
            f"achievement needs a positive target and a non-negative value, got {value} / {target}"
        )
    if direction == "at_most":
        return 100.0 if value == 0 else min(100.0, 100 * target / value)
    return min(100.0, 100 * value / target)


def band(percent: float | None, bands: tuple[Band, ...] = UMC_BANDS) -> str:
    """The band of an achievement percentage ("No data" when there is none)."""
    if percent is None:
        return "No data"
    for b in bands:
        if b.low <= percent < b.high or (b is bands[-1] and percent == b.high):
            return b.label
    raise ValueError(f"achievement {percent} is outside 0-100")
