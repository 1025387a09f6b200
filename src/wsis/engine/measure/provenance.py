"""Where a result comes from: the method and its version, the code version, the input releases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import wsis


@dataclass(frozen=True)
class Provenance:
    """Enough to reproduce a figure: which method (and version), which code, which input releases."""

    method: str
    method_version: str
    inputs: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)
    code_version: str = wsis.__version__

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "method_version": self.method_version,
            "code_version": self.code_version,
            "inputs": list(self.inputs),
            "parameters": _plain(self.parameters),
        }


def _plain(value: Any) -> Any:
    """JSON-friendly copy of parameters (tuples to lists, dates and other objects to strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
