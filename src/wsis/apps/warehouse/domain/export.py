"""Open data out: any selection in every format the readers read back, and the nightly full dump."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl

from wsis.apps.warehouse.domain.query import RELEASE_COLUMNS, select, to_frame
from wsis.apps.warehouse.models import Release
from wsis.engine.readers.writers import FORMATS, write, write_sdmx_structure

EXTENSIONS = {
    "csv": "csv",
    "json": "json",
    "parquet": "parquet",
    "sdmx-csv": "sdmx.csv",
    "sdmx-ml": "sdmx.xml",
}
SYNTHETIC_WARNING = "SYNTHETIC DEMONSTRATION DATA - not official statistics"


def export(frame: pl.DataFrame, path: Path, fmt: str) -> Path:
    """Write a selection; synthetic rows keep their marking in the ``source`` and ``note`` columns."""
    if "synthetic" in frame.columns:
        frame = frame.with_columns(
            pl.when(pl.col("synthetic") & ~pl.col("source").fill_null("").str.contains("SYNTHETIC"))
            .then(pl.lit(SYNTHETIC_WARNING))
            .otherwise(pl.col("source"))
            .alias("source")
        ).drop(*RELEASE_COLUMNS)
    return write(frame, path, fmt)


def dump(folder: Path) -> dict[str, str]:
    """Write the latest figures in every format, the SDMX structure and the release list, with SHA-256 sums.

    Returns file name -> checksum; the same list is written to ``SHA256SUMS`` in ``sha256sum`` format.
    """
    folder.mkdir(parents=True, exist_ok=True)
    frame = to_frame(select())
    written = [export(frame, folder / f"observations.{EXTENSIONS[fmt]}", fmt) for fmt in FORMATS]
    written.append(write_sdmx_structure(folder / "structure.sdmx.xml"))
    # Releases under embargo are not public yet: neither their figures (``select``) nor their names.
    releases = [r.describe() for r in Release.objects.visible().order_by("id")]
    release_file = folder / "releases.json"
    release_file.write_text(json.dumps(releases, ensure_ascii=False, indent=1), encoding="utf-8")
    written.append(release_file)
    sums = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in written}
    (folder / "SHA256SUMS").write_text("".join(f"{digest}  {name}\n" for name, digest in sums.items()))
    return sums
