"""Fetch a series from its publisher and import it as a release named after the download."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from wsis.apps.warehouse.domain.importing import ImportRefused, import_release
from wsis.engine import fetch
from wsis.paths import data_home

#: What `wsis setup --real-data` loads: Internet use from each publisher and the population that
#: weights aggregates.
DEFAULT_SERIES = (
    ("itu", "i99H"),
    ("worldbank", "IT.NET.USER.ZS"),
    ("worldbank", "SP.POP.TOTL"),
    ("sdg", "IT_USE_ii99"),
)


class FetchFailed(Exception):
    """The publisher could not be reached or answered something that cannot be imported."""


def fetch_and_import(
    publisher: str, code: str, *, folder: Path | None = None, do_import: bool = True, base: str | None = None
) -> list[str]:
    folder = folder or data_home() / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        got = fetch.fetch(publisher, code, folder, base=base)
    except (fetch.FetchError, ValueError) as exc:
        raise FetchFailed(f"could not fetch {publisher} {code}: {exc}") from exc
    lines = [f"fetched {got.records} records from {got.origin} -> {got.path} (sha256 {got.sha256[:12]})"]
    if not do_import:
        return lines
    name = f"{got.code} fetched {got.fetched_at:%Y-%m-%d %H:%M} UTC"
    date = dt.date.fromisoformat(got.last_updated) if got.last_updated else got.fetched_at.date()
    try:
        report = import_release(
            [got.path], name=name, publisher=got.publisher_name, date=date, origin=got.origin, fmt=got.format
        )
    except ImportRefused as exc:
        details = "; ".join(str(p) for p in exc.problems[:5])
        raise FetchFailed(f"the download of {publisher} {code} was refused: {details}") from exc
    lines.append(f"release {report.release.id} '{report.release}': {report.written} observations written")
    return lines


def load_real_data() -> list[str]:
    """Fetch the default series; a publisher that cannot be reached is reported, not fatal."""
    lines = []
    for publisher, code in DEFAULT_SERIES:
        try:
            lines += fetch_and_import(publisher, code)
        except FetchFailed as exc:
            lines.append(f"skipped: {exc}")
    return lines
