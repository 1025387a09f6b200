"""Current status against a target: how far a figure is towards it, whether it is met, and ITU's bands.

ITU's DataHub dashboards of the 2030 universal and meaningful connectivity targets count a target met
at 95% and show bands Limited 0-50, Satisfactory 50-75, Advanced 75-95 and Target met 95-100. Achievement
is the figure as a percentage of the target (``100 x value / target`` for "at least" targets, ``100 x
target / value`` for "at most" ones such as prices), capped at 100; for the 100% targets it is the value.

Whether a target is met follows its framework's own rule (:func:`met`): the UMC 2030 targets from 95%
as ITU counts them; every other target (Broadband Commission 2025, SDG) only when the figure reaches the
threshold - 73.0 against "at least 75" is not met, however close its achievement percentage. ITU's bands
belong to the UMC dashboard (:data:`SOURCE_BANDS`): other frameworks publish none, so none is given.
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


#: Frameworks whose publisher counts a target met before the threshold itself: the achievement (percent
#: of the threshold) from which it does. ITU's UMC 2030 dashboard: "considered met if at least 95%".
MET_FROM: dict[str, float] = {"UMC2030": 95.0}
#: The achievement bands each framework's publisher uses (ITU's UMC dashboard); other frameworks have none.
SOURCE_BANDS: dict[str, tuple[Band, ...]] = {"UMC2030": UMC_BANDS}


def met(
    value: float, target: float, direction: Literal["at_least", "at_most"] = "at_least", framework: str = ""
) -> bool:
    """Whether ``value`` meets the target by its framework's rule (see the module docstring)."""
    if framework in MET_FROM:
        return achievement(value, target, direction) >= MET_FROM[framework]
    return value >= target if direction == "at_least" else value <= target


def source_band(percent: float | None, framework: str) -> str | None:
    """The band its framework's publisher gives an achievement percentage; None for a framework without
    bands of its own."""
    bands = SOURCE_BANDS.get(framework)
    return None if bands is None else band(percent, bands)
