"""Demonstration indicators: the engine's deterministic synthetic dataset, imported as its own release.

Every value carries the synthetic source text, and the release is flagged ``synthetic``: pages, API
answers and exports show the mark, so these numbers can never pass for official statistics.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from wsis.apps.warehouse.domain.importing import import_release
from wsis.apps.warehouse.domain.world import DemonstrationRefused, real_world
from wsis.apps.warehouse.models import Release
from wsis.engine import synthetic
from wsis.engine.readers.writers import write

PUBLISHER = "WSIS Observatory (SYNTHETIC)"
NAME = f"synthetic demonstration data {synthetic.FIRST_YEAR}-{synthetic.LAST_YEAR}"


def load_synthetic_indicators() -> str:
    """Import the synthetic release; refused (:class:`DemonstrationRefused`) while a real release exists."""
    if real_world():
        raise DemonstrationRefused(
            "the warehouse holds real releases: the synthetic demonstration data are not loaded over them "
            "(demonstration and real figures are never mixed)"
        )
    if Release.objects.filter(publisher=PUBLISHER, name=NAME).exists():
        return f"demonstration indicators: already loaded ({NAME})"
    with tempfile.TemporaryDirectory() as folder:
        path = write(synthetic.generate(), Path(folder) / "synthetic.csv", "csv")
        report = import_release([path], name=NAME, publisher=PUBLISHER, synthetic=True, origin="generated")
    return f"demonstration indicators: {report.written} SYNTHETIC observations loaded ({NAME})"
