"""Full dumps of the public registry in CSV, JSON and IATI 2.03 XML, with a SHA256SUMS file, written to
WSIS_REGISTRY_DUMP_DIR (run daily, e.g. `wsis manage registry_dump`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from wsis.apps.registry.domain.search import public_entries
from wsis.apps.registry.domain.verification import light
from wsis.apps.registry.interfaces import iati, tabular

DUMP_NAMES = ["registry.csv", "registry.json", "registry-iati.xml"]


def dump_dir() -> Path:
    return Path(settings.WSIS_REGISTRY_DUMP_DIR)


def write_dumps(*, folder: Path | None = None) -> dict[str, str]:
    """Write the three dumps and their checksums; returns {file name: sha256}."""
    folder = folder or dump_dir()
    folder.mkdir(parents=True, exist_ok=True)
    entries = list(
        public_entries()
        .select_related("organization")
        .prefetch_related("action_lines", "countries", "groups", "targets", "results")
        .order_by("pk")
    )
    now = timezone.now()
    base = settings.WSIS_PUBLIC_URL
    rows = [
        tabular.row_of(e, url=base + e.get_absolute_url(), light=light(initiative=e, now=now))
        for e in entries
    ]
    files = {
        "registry.csv": tabular.write_csv(rows),
        "registry.json": json.dumps(
            {"generated": now.isoformat(), "count": len(rows), "initiatives": rows},
            ensure_ascii=False,
            indent=1,
        ).encode(),
        "registry-iati.xml": iati.write_activities(entries, generated=now),
    }
    sums = {}
    for name, content in files.items():
        # Written beside and renamed, so that a download never sees half a file.
        tmp = folder / f".{name}.tmp"
        tmp.write_bytes(content)
        tmp.replace(folder / name)
        sums[name] = hashlib.sha256(content).hexdigest()
    (folder / "SHA256SUMS").write_text("".join(f"{digest}  {name}\n" for name, digest in sums.items()))
    return sums


def read_checksums() -> list[dict]:
    path = dump_dir() / "SHA256SUMS"
    if not path.is_file():
        return []
    out = []
    for line in path.read_text().splitlines():
        digest, name = line.split("  ", 1)
        file = dump_dir() / name
        out.append({"name": name, "sha256": digest, "size": file.stat().st_size if file.is_file() else 0})
    return out
