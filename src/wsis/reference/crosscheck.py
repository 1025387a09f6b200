"""Compare the reference knowledge with a classification table in the layout of the widely used
``datasets/country-codes`` CSV (UN M49 codes, regions, LDC/LLDC/SIDS flags).

Every difference must be explained in our data: a ``note`` on the economy (codes, regions) or on the
membership (LDC, LLDC, SIDS flags, e.g. a graduation). :func:`differences` lists each difference with
the note that explains it, or None; ``wsis reference crosscheck`` prints them and fails on unexplained ones.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from wsis.reference.loader import Knowledge
from wsis.reference.schema import Economy

#: A day when Bhutan had graduated (13 Dec 2023) and Sao Tome and Principe had not (13 Dec 2024), the
#: state of the LDC list in the shared table.
ON = dt.date(2024, 6, 30)

FLAGS = {
    "LDC": "Least Developed Countries (LDC)",
    "LLDC": "Land Locked Developing Countries (LLDC)",
    "SIDS": "Small Island Developing States (SIDS)",
}
REGION_COLUMNS = {
    "region": "Region Code",
    "subregion": "Sub-region Code",
    "intermediate_region": "Intermediate Region Code",
}


@dataclass(frozen=True)
class Difference:
    economy: str
    field: str
    ours: str
    theirs: str
    explanation: str | None


def _code(value: str) -> str:
    return value.strip().zfill(3) if value.strip() else ""


def _economy_note(economy: Economy, *words: str) -> str | None:
    note = economy.note or ""
    return note if note and all(w in note for w in words) else None


def _membership_note(k: Knowledge, group: str, economy: str) -> str | None:
    notes = [m.note for m in k.memberships if m.group == group and m.economy == economy and m.note]
    return notes[0] if notes else _economy_note(k.economies[economy], group)


def differences(k: Knowledge, rows: list[dict[str, str]], on: dt.date) -> list[Difference]:
    """Every way our data differ from the table's rows, each with the note that explains it (or None)."""
    out: list[Difference] = []
    theirs = {row["ISO3166-1-Alpha-3"].strip(): row for row in rows}
    for iso3 in sorted(set(theirs) - set(k.economies)):
        out.append(Difference(iso3, "economy", "", "listed", None))
    for iso3 in sorted(set(k.economies) - set(theirs)):
        out.append(Difference(iso3, "economy", "listed", "", _economy_note(k.economies[iso3], "M49")))
    for iso3, row in theirs.items():
        economy = k.economies.get(iso3)
        if economy is None:
            continue
        if economy.m49 != _code(row["M49"]):
            out.append(Difference(iso3, "m49", economy.m49, row["M49"], _economy_note(economy, "M49")))
        if economy.iso2 != row["ISO3166-1-Alpha-2"].strip():
            out.append(Difference(iso3, "iso2", economy.iso2, row["ISO3166-1-Alpha-2"], None))
        for field, column in REGION_COLUMNS.items():
            ours = getattr(economy, field) or ""
            if ours != _code(row[column]):
                out.append(Difference(iso3, field, ours, row[column], _economy_note(economy, "region")))
        members = {group for group in FLAGS if iso3 in k.members(group, on)}
        for group, column in FLAGS.items():
            flagged = bool(row[column].strip())
            if flagged != (group in members):
                ours_flag = "member" if group in members else "not a member"
                their_flag = "flagged" if flagged else "not flagged"
                out.append(Difference(iso3, group, ours_flag, their_flag, _membership_note(k, group, iso3)))
    return out


def read_table(path: Path) -> list[dict[str, str]]:
    """The rows of a country-codes table; a file without the expected columns is a clear error."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    needed = {"ISO3166-1-Alpha-3", "ISO3166-1-Alpha-2", "M49", *REGION_COLUMNS.values(), *FLAGS.values()}
    missing = needed - set(rows[0] if rows else {})
    if missing:
        raise ValueError(
            f"{path.name}: not a country-codes table; missing columns: {', '.join(sorted(missing))}"
        )
    return rows
