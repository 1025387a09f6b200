"""Store a computation with its provenance, and give it back as results plus provenance.

Asking the same question of the same data with the same code again returns the stored row: the
fingerprint covers the kind, the parameters, the methodology and its version, the code version and each
input release with its size and checksum (a release completed by a later import is different data).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from typing import Any

from django.db import transaction

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


def store(
    kind: str,
    *,
    parameters: dict[str, Any],
    result: dict[str, Any],
    releases: Iterable[Release],
    methodology: str,
    methodology_version: str,
    status: str = "ok",
) -> Computation:
    """The stored computation for these inputs: an identical earlier one, or a new row."""
    releases = list({r.id: r for r in releases}.values())
    parameters = _json(parameters)
    key = fingerprint(kind, parameters, methodology, methodology_version, releases)
    found = Computation.objects.filter(fingerprint=key).first()
    if found is not None:
        return found
    with transaction.atomic():
        computation = Computation.objects.create(
            kind=kind,
            parameters=parameters,
            result=_json(result),
            status=status,
            methodology=methodology,
            methodology_version=methodology_version,
            code_version=wsis.__version__,
            fingerprint=key,
        )
        computation.releases.set(releases)
    return computation


def provenance(computation: Computation) -> dict[str, Any]:
    """Where a stored computation comes from: its input releases, methodology and code versions."""
    releases = list(computation.releases.order_by("publisher", "name"))
    return {
        "computation": computation.pk,
        "created_at": computation.created_at.isoformat(),
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
    """The stored result with the computation's kind, status and provenance."""
    return {
        "kind": computation.kind,
        "status": computation.status,
        **computation.result,
        "provenance": provenance(computation),
    }


def _json(value: dict[str, Any]) -> dict[str, Any]:
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
