"""The per-domain quantities every design type ends with, before intervals and flags are added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class DomainSums:
    domains: list[tuple[Any, ...]]
    estimate: np.ndarray
    variance: np.ndarray
    n: np.ndarray
    sw: np.ndarray  # sum of weights (design effects)
    swy: np.ndarray
    swyy: np.ndarray
    df: float
