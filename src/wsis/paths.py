"""Where the platform keeps its files and where it finds the shared real data."""

from __future__ import annotations

import os
from pathlib import Path


def data_home() -> Path:
    """Per-user data folder (XDG): the SQLite database, uploads, exports."""
    override = os.environ.get("WSIS_DATA_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "wsis-observatory"


def shared_data() -> Path:
    """The real public data used by tests and benchmarks (``WSIS_SHARED_DATA``, default ../shared/data)."""
    override = os.environ.get("WSIS_SHARED_DATA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "shared" / "data"
