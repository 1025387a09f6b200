"""World boundaries for the maps: the world-atlas TopoJSON (npm), vendored at build time.

`npm ci` (run by scripts/bootstrap.sh) installs world-atlas and its postinstall step copies
`countries-110m.json` into the static files (`wsis/static/vendor/world-atlas/`, not in git), where this
module reads it and the optional interactive charts fetch it. Its feature ids are ISO 3166-1 numeric
codes, the same as the UN M49 codes of the reference economies, which map them to ISO3.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from wsis.reference.loader import knowledge

VENDOR_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor" / "world-atlas"
WORLD_FILE = "countries-110m.json"
#: The TopoJSON object holding the country polygons.
COUNTRIES_OBJECT = "countries"
#: Antarctica: no statistics, and at the bottom of most projections it takes a third of the map's bytes.
_LEFT_OUT = {"010"}


class BoundariesMissing(FileNotFoundError):
    """The vendored world boundaries are not there (a fresh checkout before `npm ci`)."""


def world_file() -> Path:
    """Where the boundaries are read: WSIS_WORLD_ATLAS (a file) when set, else the vendored static copy."""
    override = os.environ.get("WSIS_WORLD_ATLAS")
    return Path(override) if override else VENDOR_DIR / WORLD_FILE


@cache
def _topology(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BoundariesMissing(
            f"world boundaries not found at {path}: run `npm ci` in the repository root "
            "(scripts/bootstrap.sh does), which installs world-atlas and vendors countries-110m.json into "
            "the static files"
        )
    topology: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    countries = topology.get("objects", {}).get(COUNTRIES_OBJECT)
    if topology.get("type") != "Topology" or not countries:
        raise ValueError(f"{path} is not the world-atlas countries TopoJSON (no objects.{COUNTRIES_OBJECT})")
    # Keep only what the map draws: geometries with an id, without their English names.
    countries["geometries"] = [
        {key: value for key, value in geometry.items() if key != "properties"}
        for geometry in countries["geometries"]
        if geometry.get("id") and geometry["id"] not in _LEFT_OUT
    ]
    return topology


@cache
def _fingerprint(path: Path) -> str:
    return "world-atlas:" + hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(topology: object) -> str | None:
    """A short stand-in for the boundaries in cache keys (hashing 100 KB of TopoJSON per page view would
    cost more than the cache saves); None for anything but the boundaries this module loaded."""
    path = world_file()
    if path.is_file() and topology is _topology(path):
        return _fingerprint(path)
    return None


def world_topology() -> dict[str, Any]:
    """The world countries TopoJSON (trimmed), ready to be inlined in a Vega-Lite spec."""
    return _topology(world_file())


@cache
def iso3_to_numeric() -> dict[str, str]:
    """ISO3 -> ISO 3166-1 numeric (= M49) code, from the reference economies."""
    return {iso3: economy.m49 for iso3, economy in knowledge().economies.items()}


def feature_ids(values: Mapping[str, float]) -> dict[str, str]:
    """Map ISO3 keys to the map's feature ids; a clear error for a code the reference data do not know."""
    codes = iso3_to_numeric()
    unknown = sorted(set(values) - set(codes))
    if unknown:
        raise ValueError(f"choropleth: unknown economy codes {', '.join(unknown)} (expected ISO3 codes)")
    return {iso3: codes[iso3] for iso3 in values}
