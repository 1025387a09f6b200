"""Demonstration content for a first run: the demonstration world (``wsis.apps.warehouse.domain.world``).

Loaded by ``wsis setup``/``wsis serve`` on an installation with no real data, and by ``wsis demo load``;
removed by the first real release imported, or by ``wsis demo remove``. Later features register their
own demo loaders here (and their removal in ``world.retire_demonstration``).
"""

from __future__ import annotations

from collections.abc import Iterator

from wsis.apps.warehouse.domain.world import DemonstrationRefused, real_world, retire_demonstration

__all__ = ["DemonstrationRefused", "load_demo", "remove_demo"]


def load_demo() -> Iterator[str]:
    """Load every registered demonstration dataset; yields one line of report per loader. Refused
    (:class:`DemonstrationRefused`, before anything is written) while the warehouse holds real releases."""
    # The reference knowledge is real (not demonstration); every loader below adds content that is
    # marked as demonstration wherever it is shown.
    if real_world():
        raise DemonstrationRefused(
            "the warehouse holds real releases (`wsis releases` lists them): the demonstration is not "
            "loaded over real data, because demonstration and real figures are never mixed"
        )
    from wsis.apps.warehouse.demo import load_synthetic_indicators

    yield load_synthetic_indicators()

    from wsis.apps.registry.domain.demo import load_demo_registry

    yield from load_demo_registry()


def remove_demo() -> str:
    """Remove every demonstration dataset (idempotent); says what was removed."""
    return str(retire_demonstration())
