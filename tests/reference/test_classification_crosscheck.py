"""Our hand-written economies and groups against the shared datasets/country-codes table (UN M49 based).

Every difference must be explained in our data: a ``note`` on the economy (codes, regions) or on the
membership (LDC, LLDC, SIDS flags). The comparison accepts a difference only when such a note exists,
and the last tests show that it does reject an unexplained one.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from wsis.reference import loader
from wsis.reference.loader import PACKAGE_DATA, Knowledge, Problem
from wsis.reference.schema import EconomiesFile, Economy, GroupsFile, Membership

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


def _knowledge(econ: EconomiesFile, groups: GroupsFile) -> Knowledge:
    problems: list[Problem] = []
    k = Knowledge(
        directory=PACKAGE_DATA,
        versions={},
        action_lines={},
        goals={},
        targets={},
        sdg_indicators={},
        matrix=None,  # type: ignore[arg-type]  # not needed here
        regions=loader._index(econ.regions, "m49", "economies.yaml", "regions", problems),
        economies=loader._index(econ.economies, "iso3", "economies.yaml", "economies", problems),
        groups=loader._index(groups.groups, "code", "groups.yaml", "groups", problems),
        memberships=list(groups.memberships),
        indicators={},
        connectivity_targets={},
    )
    assert problems == [], [str(p) for p in problems]
    return k


@pytest.fixture(scope="module")
def files() -> tuple[EconomiesFile, GroupsFile]:
    problems: list[Problem] = []
    econ = loader._read(PACKAGE_DATA / "economies.yaml", EconomiesFile, problems)
    groups = loader._read(PACKAGE_DATA / "groups.yaml", GroupsFile, problems)
    assert econ is not None and groups is not None and problems == [], [str(p) for p in problems]
    return econ, groups


@pytest.fixture(scope="module")
def rows(shared: Path) -> list[dict[str, str]]:
    with (shared / "classifications" / "country-codes.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) > 200, "the shared country-codes table looks truncated"
    return table


def _unexplained(diffs: list[Difference]) -> list[Difference]:
    return [d for d in diffs if d.explanation is None]


def test_the_same_areas_with_the_same_m49_codes(files, rows) -> None:
    diffs = differences(_knowledge(*files), rows, ON)
    codes = [d for d in diffs if d.field in ("economy", "m49", "iso2")]
    assert _unexplained(codes) == []


def test_regions_match_or_are_explained(files, rows) -> None:
    diffs = differences(_knowledge(*files), rows, ON)
    regions = [d for d in diffs if d.field in REGION_COLUMNS]
    assert _unexplained(regions) == []


@pytest.mark.parametrize("group", sorted(FLAGS))
def test_development_groups_match_the_m49_flags_or_are_explained(files, rows, group: str) -> None:
    diffs = differences(_knowledge(*files), rows, ON)
    assert _unexplained([d for d in diffs if d.field == group]) == []


def test_the_table_is_the_2024_ldc_list(rows) -> None:
    """The date chosen above only works while the table still lists STP and no longer Bhutan."""
    flagged = {row["ISO3166-1-Alpha-3"] for row in rows if row[FLAGS["LDC"]].strip()}
    assert "STP" in flagged and "BTN" not in flagged


def test_an_unexplained_region_difference_is_rejected(files, rows) -> None:
    econ, groups = files
    silent = [e.model_copy(update={"note": None}) if e.iso3 == "TWN" else e for e in econ.economies]
    k = _knowledge(econ.model_copy(update={"economies": silent}), groups)
    assert {(d.economy, d.field) for d in _unexplained(differences(k, rows, ON))} == {
        ("TWN", "region"),
        ("TWN", "subregion"),
    }


def test_an_unexplained_membership_difference_is_rejected(files, rows) -> None:
    """Bhutan kept on the LDC list without its graduation: a difference, and nothing explains it."""
    econ, groups = files
    memberships = [
        Membership(group=m.group, economy=m.economy, valid_from=m.valid_from, source=m.source)
        if (m.group, m.economy) == ("LDC", "BTN")
        else m
        for m in groups.memberships
    ]
    k = _knowledge(econ, groups.model_copy(update={"memberships": memberships}))
    assert [(d.economy, d.field) for d in _unexplained(differences(k, rows, ON))] == [("BTN", "LDC")]


def test_a_graduation_explains_a_later_difference(files, rows) -> None:
    """After Sao Tome and Principe's graduation our list differs from the 2024 table, with its note."""
    diffs = differences(_knowledge(*files), rows, dt.date(2025, 1, 1))
    stp = [d for d in diffs if (d.economy, d.field) == ("STP", "LDC")]
    assert len(stp) == 1 and stp[0].explanation is not None and "2024" in stp[0].explanation
