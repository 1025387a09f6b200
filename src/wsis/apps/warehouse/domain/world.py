"""Which world the database holds: the demonstration world or the real one, never a blend of the two.

A fresh installation shows the demonstration world: the synthetic indicators of ``wsis.engine.synthetic``
and the registry's demonstration entries, so that a first run shows a living site (clearly bannered).
The first real (non-synthetic) release imported ends it: :func:`retire_demonstration` removes the
synthetic releases, their observations and every stored computation that read them, and the registry's
demonstration entries, in the import's own transaction. ``wsis demo load|remove`` bring it back or take
it away by hand; loading refuses while a real release exists.

The rule in one line: **a real release exists -> the real world; nothing synthetic is read.** The
warehouse's "latest" marks (``latest.py``) and the measurement inputs (``wsis.apps.measure.domain.inputs``)
apply it again on their own, so a synthetic figure cannot slip into a real page even if a synthetic
release were imported by hand after real ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import QuerySet

from wsis.apps.warehouse.models import Observation, Release


def real_world() -> bool:
    """True as soon as the warehouse holds one real (non-synthetic) release the public may see (a release
    under embargo does not end the demonstration before its time: ``warehouse.tasks.lift_embargo`` does)."""
    return Release.objects.visible().filter(synthetic=False).exists()


def demonstration_world() -> bool:
    """True while the warehouse holds synthetic demonstration data and no real release: pages then carry
    the demonstration banner, and figures may be computed from the synthetic releases."""
    # One query (every page asks, for its banner): the set of flags the releases carry.
    return set(Release.objects.visible().order_by().values_list("synthetic", flat=True).distinct()) == {True}


def demonstration_present() -> bool:
    """True while any demonstration content is stored: synthetic releases or registry demonstration
    entries (what :func:`retire_demonstration` would remove)."""
    from wsis.apps.accounts.models import Organization
    from wsis.apps.registry.models import Initiative

    return (
        Release.objects.filter(synthetic=True).exists()
        or Initiative.objects.filter(is_demo=True).exists()
        or Organization.objects.filter(is_demo=True).exists()
    )


class DemonstrationRefused(RuntimeError):
    """Loading the demonstration over real data: the two worlds are never blended."""


@dataclass(frozen=True)
class Retired:
    """What retiring the demonstration removed."""

    releases: int
    observations: int
    computations: int
    registry: tuple[str, ...]

    def __str__(self) -> str:
        parts = [
            f"{self.releases} synthetic release(s) with {self.observations} observations",
            f"{self.computations} stored computation(s) that read them",
            *self.registry,
        ]
        return "demonstration retired: " + "; ".join(parts)


def retire_demonstration() -> Retired:
    """Remove the synthetic releases (observations, files, flags), the computations that used them, and
    the registry's demonstration content. Idempotent: with nothing to retire it removes nothing."""
    from wsis.apps.registry.domain.demo import remove_demo_registry

    with transaction.atomic():
        synthetic = Release.objects.filter(synthetic=True)
        # A computation that read a synthetic release holds synthetic numbers in its stored result.
        removed_computations = _delete_computations_of(synthetic)
        observations, _ = Observation.objects.filter(release__in=synthetic).delete()
        releases = synthetic.count()
        synthetic.delete()
        registry = tuple(remove_demo_registry())
        _retire_demonstration_publications()
    return Retired(releases, observations, removed_computations, registry)


def _retire_demonstration_publications() -> None:
    # A publication of the demonstration's figures must not stay current beside real observations until
    # the next refresh: pages then show no engine figure rather than a synthetic one. Looked up by name,
    # as the publishing app depends on the warehouse, not the other way round.
    publication = apps.get_model("publishing", "Publication")
    publication.objects.filter(state="current", demonstration=True).update(state="retired")


def _delete_computations_of(releases: QuerySet[Release]) -> int:
    # Reached through the relation's model, so the warehouse needs no import of the measurement app
    # (which depends on the warehouse).
    model = Release.computations.rel.related_model
    ids = set(model.objects.filter(releases__in=releases).values_list("id", flat=True))
    if ids:
        model.objects.filter(id__in=ids).delete()
    return len(ids)
