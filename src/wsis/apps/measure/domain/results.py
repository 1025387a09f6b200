"""A computation's result with its provenance, before and after it is stored - reading only.

The measurement functions (:mod:`.compute`) return a :class:`~wsis.apps.measure.models.Computation`
built here: the stored row when the same question was already asked of the same data with the same code
(found by its fingerprint), otherwise an unsaved one that remembers its input releases. Reading pages and
API answers use it as it is and never write; the refresh step and the command line save it with
:mod:`.store`.

The fingerprint covers the kind, the parameters, the methodology and its version, the code version and each
input release with its size and checksum (a release completed by a later import is different data).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from typing import Any

import wsis
from wsis.apps.measure.models import Computation
from wsis.apps.warehouse.models import Release


def fingerprint(
    kind: str, parameters: dict[str, Any], methodology: str, version: str, releases: Iterable[Release]
) -> str:
    body = {
        "kind": kind,
        "parameters": parameters,
        "methodology": methodology,
        "methodology_version": version,
        "code_version": wsis.__version__,
        "releases": sorted((r.id, r.observation_count, r.checksum) for r in releases),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def build(
    kind: str,
    *,
    parameters: dict[str, Any],
    result: dict[str, Any],
    releases: Iterable[Release],
    methodology: str,
    methodology_version: str,
    status: str = "ok",
) -> Computation:
    """The stored computation for these inputs if there is one, else an unsaved one (nothing is written)."""
    releases = list({r.id: r for r in releases}.values())
    parameters = as_json(parameters)
    key = fingerprint(kind, parameters, methodology, methodology_version, releases)
    found = Computation.objects.filter(fingerprint=key).first()
    if found is not None:
        return found
    computation = Computation(
        kind=kind,
        parameters=parameters,
        result=as_json(result),
        status=status,
        methodology=methodology,
        methodology_version=methodology_version,
        code_version=wsis.__version__,
        fingerprint=key,
    )
    computation.input_releases = releases  # type: ignore[attr-defined]  # saved with the row by store.save
    return computation


def input_releases(computation: Computation) -> list[Release]:
    """The releases a computation read, stored or not, by publisher and name."""
    if computation.pk is None:
        found: list[Release] = getattr(computation, "input_releases", [])
        return sorted(found, key=lambda r: (r.publisher, r.name))
    return list(computation.releases.order_by("publisher", "name"))


def provenance(computation: Computation) -> dict[str, Any]:
    """Where a computation comes from: its input releases, methodology and code versions. ``computation``
    is null for one computed to answer a question and not stored."""
    releases = input_releases(computation)
    return {
        "computation": computation.pk,
        "created_at": computation.created_at.isoformat() if computation.created_at else None,
        "methodology": computation.methodology,
        "methodology_version": computation.methodology_version,
        "code_version": computation.code_version,
        "inputs": [str(r) for r in releases],
        "releases": [
            {
                "id": r.id,
                "publisher": r.publisher,
                "name": r.name,
                "date": r.date.isoformat(),
                "synthetic": r.synthetic,
            }
            for r in releases
        ],
        "parameters": computation.parameters,
    }


def answer(computation: Computation) -> dict[str, Any]:
    """The result with the computation's kind, status and provenance."""
    return {
        "kind": computation.kind,
        "status": computation.status,
        **computation.result,
        "provenance": provenance(computation),
    }


def as_json(value: dict[str, Any]) -> dict[str, Any]:
    """A JSON round trip: dates, tuples and other objects become what they will read back as, and NaN
    (no score) becomes null - PostgreSQL's jsonb refuses NaN."""
    return json.loads(json.dumps(_finite(value), default=str))  # type: ignore[no-any-return]


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
