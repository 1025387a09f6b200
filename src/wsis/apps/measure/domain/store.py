"""Storing a computation: the one module that writes measurement results to the database.

Only the refresh step (``wsis.apps.publishing``) and the measurement commands call it. Pages and API reads
must not (an import-linter contract in pyproject.toml): they read what a refresh published, or compute an
answer without keeping it (:mod:`.results`).
"""

from __future__ import annotations

from django.db import transaction

from wsis.apps.measure.domain.results import input_releases
from wsis.apps.measure.models import Computation


def save(computation: Computation) -> Computation:
    """Store ``computation`` (built by :func:`.results.build`) unless it is stored already; an identical
    computation stored meanwhile by another process is returned instead of a copy."""
    if computation.pk is not None:
        return computation
    found = Computation.objects.filter(fingerprint=computation.fingerprint).first()
    if found is not None:
        return found
    releases = input_releases(computation)
    with transaction.atomic():
        computation.save()
        computation.releases.set(releases)
    return computation
