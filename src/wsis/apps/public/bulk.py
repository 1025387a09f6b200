"""The bulk downloads: the whole warehouse (``wsis dump``) and the stocktaking registry
(``wsis manage registry_dump``), as their commands wrote them, each folder with its ``SHA256SUMS``.

The page only reads: it lists what the last dump wrote, with the checksum the dump computed when it
wrote the file (not one computed on each view, which would read a few hundred megabytes), and the file's
size and date. A file the checksums list but the folder no longer holds is left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from wsis.apps.registry.domain.dumps import dump_dir as registry_dump_dir

CHECKSUMS = "SHA256SUMS"
#: What each file is, by the end of its name (the formats `wsis dump` and the registry dump write).
FORMATS = (
    (".sdmx.csv", "SDMX-CSV"),
    (".sdmx.xml", "SDMX-ML"),
    ("-iati.xml", "IATI 2.03 XML"),
    (".csv", "CSV"),
    (".json", "JSON"),
    (".parquet", "Parquet"),
)


@dataclass(frozen=True)
class DumpFile:
    name: str
    format: str
    size: int
    written: dt.datetime
    sha256: str


def warehouse_dir() -> Path:
    return Path(settings.WSIS_WAREHOUSE_DUMP_DIR)


def file_format(name: str) -> str:
    return next((label for end, label in FORMATS if name.endswith(end)), name.rsplit(".", 1)[-1].upper())


def listed(folder: Path) -> list[DumpFile]:
    """The files of a dump folder that its SHA256SUMS names (in `sha256sum` format) and that exist."""
    sums = folder / CHECKSUMS
    if not sums.is_file():
        return []
    out = []
    for number, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or "/" in name or name.startswith("."):
            raise ValueError(f"{sums}, line {number}: not a 'sha256  file name' line: {line[:80]!r}")
        path = folder / name
        if not path.is_file():
            continue
        stat = path.stat()
        written = dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC)
        written = written.astimezone(timezone.get_current_timezone())
        out.append(DumpFile(name, file_format(name), stat.st_size, written, digest))
    return out


def warehouse_files() -> list[DumpFile]:
    return listed(warehouse_dir())


def registry_files() -> list[DumpFile]:
    return listed(registry_dump_dir())
