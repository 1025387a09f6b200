"""Composite indices driven by a methodology file (the ICT Development Index ships as ``idi-2024``)."""

from wsis.engine.measure.index.methodology import (
    Methodology,
    MethodologyError,
    Node,
    available,
    load_methodology,
)
from wsis.engine.measure.index.scoring import IndexResult, Overrides, score

__all__ = [
    "IndexResult",
    "Methodology",
    "MethodologyError",
    "Node",
    "Overrides",
    "available",
    "load_methodology",
    "score",
]
