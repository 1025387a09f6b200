"""Our hand-written economies and groups against the shared datasets/country-codes table (UN M49 based).

Every difference must be explained in our data: a ``note`` on the economy (codes, regions) or on the
membership (LDC, LLDC, SIDS flags). The comparison accepts a difference only when such a note exists,
and the last tests show that it does reject an unexplained one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from wsis.cli import main
from wsis.reference import loader
from wsis.reference.crosscheck import FLAGS, ON, REGION_COLUMNS, Difference, differences, read_table
from wsis.reference.loader import PACKAGE_DATA, Knowledge, Problem
from wsis.reference.schema import EconomiesFile, GroupsFile, Membership


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
        crosswalk=None,  # type: ignore[arg-type]  # not needed here
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
    table = read_table(shared / "classifications" / "country-codes.csv")
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


def test_crosscheck_command(shared: Path, tmp_path: Path) -> None:
    table = shared / "classifications" / "country-codes.csv"
    result = CliRunner().invoke(main, ["reference", "crosscheck", str(table)])
    assert result.exit_code == 0, result.output
    assert "0 unexplained" in result.output and "TWN" in result.output
    wrong = tmp_path / "codes.csv"
    wrong.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(main, ["reference", "crosscheck", str(wrong)])
    assert result.exit_code != 0 and "missing columns" in result.output
