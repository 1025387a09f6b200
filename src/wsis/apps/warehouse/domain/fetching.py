"""Fetch a series from its publisher and import it as a release named after the download; and the default
set of real data that ``wsis setup --real-data`` loads, from the publishers or from local copies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from wsis.apps.warehouse.domain.importing import ImportRefused, import_release
from wsis.engine import fetch
from wsis.paths import data_home


@dataclass(frozen=True)
class Series:
    """One series of the default set, and where a local copy of it lies in a folder laid out like the
    shared data folder (the publishers' bulk exports, file-name patterns relative to that folder)."""

    publisher: str  # worldbank, itu or sdg (wsis.engine.fetch.PUBLISHERS)
    code: str
    exports: tuple[str, ...]

    def local_names(self) -> tuple[str, ...]:
        """Where to look in a folder of local copies: the file `wsis fetch --no-import --folder DIR` saves,
        then the publisher's export."""
        return (fetch.file_name(self.publisher, self.code), *self.exports)


#: What `wsis setup --real-data` loads: what the public pages and the README's tour draw on - Internet use,
#: households and individuals connected, subscriptions, network coverage and the two 5 GB price baskets
#: (ITU), and Internet use, population (weights of aggregates) and GNI per capita (affordability) from the
#: World Bank. The UN SDG database republishes ITU's figures (IT_USE_ii99 is i99H), so it adds nothing here.
DEFAULT_SERIES = (
    Series("itu", "i99H", ("itu-datahub/individuals_using_internet.csv",)),
    Series("itu", "xHH6_IDI", ("itu-datahub/households_internet_access.csv",)),
    Series("itu", "xHH18_IDI", ("itu-datahub/mobile_phone_ownership.csv",)),
    Series("itu", "i911mw", ("itu-datahub/active_mobile_broadband_subscriptions.csv",)),
    Series("itu", "i992b", ("itu-datahub/fixed_broadband_subscriptions.csv",)),
    Series("itu", "i271G", ("itu-datahub/population_coverage_mobile_network.csv",)),
    Series("itu", "i271GA", ("itu-datahub/population_coverage_mobile_network.csv",)),
    Series("itu", "i271mb_5GB$", ("itu-datahub/data_only_mobile_broadband_basket_5gb.csv",)),
    Series("itu", "i154_FBB5$", ("itu-datahub/fixed_broadband_price_5gb.csv",)),
    Series("worldbank", "IT.NET.USER.ZS", ("worldbank/API_IT.NET.USER.ZS_DS2_*.csv",)),
    Series("worldbank", "SP.POP.TOTL", ("worldbank/sp.pop.totl.csv", "worldbank/API_SP.POP.TOTL_DS2_*.csv")),
    Series(
        "worldbank",
        "NY.GNP.PCAP.CD",
        ("worldbank/ny.gnp.pcap.cd.csv", "worldbank/API_NY.GNP.PCAP.CD_DS2_*.csv"),
    ),
)
OFFLINE_HINT = "Without internet access, load local copies instead: wsis setup --real-data --from DIR"


class FetchFailed(Exception):
    """The publisher could not be reached or answered something that cannot be imported."""


def fetch_and_import(
    publisher: str, code: str, *, folder: Path | None = None, do_import: bool = True, base: str | None = None
) -> list[str]:
    folder = folder or data_home() / "downloads"
    try:
        got = fetch.fetch(publisher, code, folder, base=base)
    except (fetch.FetchError, ValueError) as exc:
        raise FetchFailed(f"could not fetch {publisher} {code}: {exc}") from exc
    lines = [_fetched_line(got)]
    if do_import:
        lines.append(_import_fetched(got))
    return lines


def _fetched_line(got: fetch.Fetched) -> str:
    return f"fetched {got.records} records from {got.origin} -> {got.path} (sha256 {got.sha256[:12]})"


def _import_fetched(got: fetch.Fetched) -> str:
    name = f"{got.code} fetched {got.fetched_at:%Y-%m-%d %H:%M} UTC"
    date = dt.date.fromisoformat(got.last_updated) if got.last_updated else got.fetched_at.date()
    try:
        report = import_release(
            [got.path], name=name, publisher=got.publisher_name, date=date, origin=got.origin, fmt=got.format
        )
    except ImportRefused as exc:
        details = "; ".join(str(p) for p in exc.problems[:5])
        raise FetchFailed(f"the download of {got.publisher} {got.code} was refused: {details}") from exc
    return f"release {report.release.id} '{report.release}': {report.written} observations written"


def load_real_data(*, source: Path | None = None, folder: Path | None = None) -> list[str]:
    """Load :data:`DEFAULT_SERIES`: downloaded from the publishers into ``folder`` (default the data
    folder's downloads/), or, with ``source``, read from local copies in that folder.

    All or nothing: every series is downloaded (or found) before anything is imported, and the imports
    run in one transaction, so a publisher out of reach or a refused file leaves the warehouse as it was.
    """
    if source is not None:
        return _load_local_copies(source)
    folder = folder or data_home() / "downloads"
    got: list[fetch.Fetched] = []
    failed: list[str] = []
    out_of_reach: set[str] = set()
    for series in DEFAULT_SERIES:
        if series.publisher in out_of_reach:
            # One failure per publisher is enough: without a connection each request would wait in turn.
            failed.append(f"{series.publisher} {series.code}: not tried, the publisher failed already")
            continue
        try:
            got.append(fetch.fetch(series.publisher, series.code, folder))
        except (fetch.FetchError, ValueError) as exc:
            failed.append(f"{series.publisher} {series.code}: {exc}")
            out_of_reach.add(series.publisher)
    if failed:
        raise FetchFailed(
            "could not download the default set of real data; nothing was imported:\n  "
            + "\n  ".join(failed)
            + f"\n{OFFLINE_HINT}"
        )
    lines = [_fetched_line(g) for g in got]
    with transaction.atomic():
        lines += [_import_fetched(g) for g in got]
    return lines


def _load_local_copies(source: Path) -> list[str]:
    """The default set from a folder of local copies: one release per publisher, as `wsis import` of the
    same files would make (named by the files' checksum, so loading them again changes nothing)."""
    if not source.is_dir():
        raise FetchFailed(f"{source}: not a folder (--from names a folder of local copies)")
    files: dict[str, list[Path]] = {}
    missing: list[str] = []
    for series in DEFAULT_SERIES:
        path = _local_copy(source, series)
        if path is None:
            missing.append(f"{series.publisher} {series.code} (looked for {', '.join(series.local_names())})")
        elif path not in files.setdefault(series.publisher, []):
            files[series.publisher].append(path)
    if missing:
        listed = "\n  ".join(missing)
        raise FetchFailed(f"{source}: no local copy of:\n  {listed}\nnothing was imported")
    lines = []
    with transaction.atomic():
        for publisher, paths in files.items():
            try:
                report = import_release(paths)
            except ImportRefused as exc:
                details = "; ".join(str(p) for p in exc.problems[:5])
                raise FetchFailed(f"the local copies of {publisher} were refused: {details}") from exc
            names = ", ".join(p.name for p in paths)
            lines.append(
                f"release {report.release.id} '{report.release}' from {names}: "
                f"{report.written} observations written, {report.unchanged} already stored"
            )
    return lines


def _local_copy(source: Path, series: Series) -> Path | None:
    for pattern in series.local_names():
        found = sorted(source.glob(pattern))
        if found:
            return found[-1]  # the last in name order: bulk exports carry a version number in the name
    return None
