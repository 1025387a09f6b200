"""A composite index's methodology, read from a YAML file: the tree, the normalisation, the rules.

The file holds the name and version of the methodology, the edition parameters (which reference years an
edition scores, the data rules) and a tree of nodes. A leaf names an indicator with its direction, its
normalisation (goalposts: ``threshold`` scores 0 and ``goalpost`` scores 100; or ``minmax`` over the
scored economies), an optional transform (``log1p``: ln(x+1) on the value and on both goalposts;
``winsorise``: clip to the given percentiles first) and whether scores are capped to 0-100;
``score_decimals`` rounds every indicator score before aggregation, as a publisher that stores rounded
scores does. An inner node has children with weights and an aggregation (``arithmetic`` or
``geometric``) and a missing-data rule.
Errors name the file and the node.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

METHODOLOGIES = Path(__file__).parent / "methodologies"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Winsorise(_Strict):
    lower: float = Field(default=0.0, ge=0, le=50, description="percentile clipped below")
    upper: float = Field(default=100.0, ge=50, le=100, description="percentile clipped above")


class Node(_Strict):
    code: str = Field(min_length=1)
    label: str = ""
    weight: float = Field(default=1.0, gt=0)
    # leaf fields
    indicator: str | None = None
    direction: Literal["higher", "lower"] = "higher"
    normalisation: Literal["goalposts", "minmax"] = "goalposts"
    threshold: float | None = None
    goalpost: float | None = None
    transform: Literal["none", "log1p"] = "none"
    winsorise: Winsorise | None = None
    cap: bool = True
    # inner-node fields
    aggregation: Literal["arithmetic", "geometric"] = "arithmetic"
    missing: Literal["reweight", "require_all"] = "reweight"
    children: tuple[Node, ...] = ()

    @model_validator(mode="after")
    def _leaf_or_inner(self) -> Node:
        if self.children and self.indicator:
            raise ValueError(f"node {self.code}: a node has either children or an indicator, not both")
        if not self.children and not self.indicator:
            raise ValueError(f"node {self.code}: a leaf needs an indicator")
        if self.indicator and self.normalisation == "goalposts":
            if self.threshold is None or self.goalpost is None:
                raise ValueError(f"node {self.code}: goalposts normalisation needs threshold and goalpost")
            if self.threshold == self.goalpost:
                raise ValueError(f"node {self.code}: threshold and goalpost are equal")
            if (self.direction == "higher") != (self.goalpost > self.threshold):
                raise ValueError(
                    f"node {self.code}: direction '{self.direction}' but goalpost {self.goalpost} is "
                    f"{'below' if self.direction == 'higher' else 'above'} threshold {self.threshold}"
                )
            if self.transform == "log1p" and min(self.threshold, self.goalpost) <= -1:
                raise ValueError(f"node {self.code}: ln(x+1) needs goalposts above -1")
        return self

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self) -> list[Node]:
        return [n for n in self.walk() if n.is_leaf]


class DataRules(_Strict):
    """Which figures an edition uses. ``reference_offsets``: years before the edition tried in turn, with
    official (reported) figures first; then, if ``estimates_fallback``, estimates in the same order.
    An economy is scored only with at least ``min_official`` official figures."""

    reference_offsets: tuple[int, ...] = (0,)
    estimates_fallback: bool = True
    min_official: int = Field(default=0, ge=0)


class Methodology(_Strict):
    name: str
    version: str
    title: str
    source: str
    edition: int | None = None
    ranked_by_publisher: bool = True
    notes: str = ""
    # Indicator scores rounded (half up) to this many decimals before they are aggregated, as the
    # publisher stores them; None keeps full precision.
    score_decimals: int | None = Field(default=None, ge=0, le=6)
    data: DataRules = DataRules()
    root: Node

    @model_validator(mode="after")
    def _unique_codes(self) -> Methodology:
        seen: set[str] = set()
        for node in self.root.walk():
            if node.code in seen:
                raise ValueError(f"node code {node.code} appears twice")
            seen.add(node.code)
        indicators = [n.indicator for n in self.root.leaves()]
        if len(set(indicators)) != len(indicators):
            raise ValueError("an indicator appears in two leaves")
        return self

    def node(self, code: str) -> Node:
        for n in self.root.walk():
            if n.code == code:
                return n
        raise KeyError(code)

    def structure(self) -> dict[str, list[str]]:
        """Each inner node's code and its children's codes (a leaf's code is its indicator's)."""
        return {n.code: [c.code for c in n.children] for n in self.root.walk() if not n.is_leaf}


class MethodologyError(ValueError):
    """A methodology file that cannot be used; the message names the file and where."""


def load_methodology(name_or_path: str | Path) -> Methodology:
    """Load a shipped methodology by name (``idi-2024``) or any YAML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = METHODOLOGIES / f"{name_or_path}.yaml"
        if not path.is_file():
            shipped = ", ".join(available()) or "none"
            raise MethodologyError(f"no methodology named {name_or_path!r} (shipped: {shipped})")
    return _load(path.resolve())


def _load(path: Path) -> Methodology:
    if not path.is_file():
        raise MethodologyError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise MethodologyError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return Methodology.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}" for err in exc.errors()
        )
        raise MethodologyError(f"{path}: {problems}") from exc


def available() -> list[str]:
    return sorted(p.stem for p in METHODOLOGIES.glob("*.yaml"))
