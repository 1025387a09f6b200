"""Demonstration content for a first run. Later features register their own demo loaders here."""

from __future__ import annotations

from collections.abc import Iterator


def load_demo() -> Iterator[str]:
    """Load every registered demonstration dataset; yields one line of report per loader."""
    # The reference knowledge is real (not demonstration); registries, indicators and prizes add
    # their clearly marked demonstration content here as those features arrive.
    yield from ()
