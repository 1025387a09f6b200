"""Demonstration content for a first run. Later features register their own demo loaders here."""

from __future__ import annotations

from collections.abc import Iterator


def load_demo() -> Iterator[str]:
    """Load every registered demonstration dataset; yields one line of report per loader."""
    # The reference knowledge is real (not demonstration); every loader below adds content that is
    # marked as demonstration wherever it is shown.
    from wsis.apps.warehouse.demo import load_synthetic_indicators

    yield load_synthetic_indicators()

    from wsis.apps.registry.domain.demo import load_demo_registry

    yield from load_demo_registry()
