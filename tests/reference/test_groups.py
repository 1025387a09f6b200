"""groups.yaml: LDC, LLDC, SIDS, ITU regions and the income groups, with dated memberships."""

from __future__ import annotations

import datetime as dt

import pytest

from wsis.reference import loader
from wsis.reference.checks import _memberships
from wsis.reference.loader import PACKAGE_DATA, Knowledge, Problem
from wsis.reference.schema import EconomiesFile, GroupsFile, Membership

ITU_REGIONS = ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR")
INCOME = ("LIC", "LMC", "UMC", "HIC")


def _knowledge(econ: EconomiesFile, groups: GroupsFile, memberships: list[Membership]) -> Knowledge:
    problems: list[Problem] = []
    k = Knowledge(
        directory=PACKAGE_DATA,
        versions={"economies.yaml": econ.version, "groups.yaml": groups.version},
        action_lines={},
        goals={},
        targets={},
        sdg_indicators={},
        matrix=None,  # type: ignore[arg-type]  # not needed by the group rules
        regions=loader._index(econ.regions, "m49", "economies.yaml", "regions", problems),
        economies=loader._index(econ.economies, "iso3", "economies.yaml", "economies", problems),
        groups=loader._index(groups.groups, "code", "groups.yaml", "groups", problems),
        memberships=memberships,
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
def k(files: tuple[EconomiesFile, GroupsFile]) -> Knowledge:
    econ, groups = files
    return _knowledge(econ, groups, list(groups.memberships))


def test_groups_and_their_kinds(k: Knowledge) -> None:
    kinds = {code: g.kind for code, g in k.groups.items()}
    assert kinds == {
        "LDC": "development",
        "LLDC": "development",
        "SIDS": "development",
        "DEVELOPING": "development",  # by rule, unverified (tests/engine/measure: test_measure_developing)
        **{code: "itu_region" for code in ITU_REGIONS},
        **{code: "income" for code in INCOME},
    }
    for code, group in k.groups.items():
        assert group.name.complete(), code
        assert group.list_source.strip(), code


def test_memberships_pass_the_cross_file_rules(k: Knowledge) -> None:
    """Known groups and economies, and no overlapping periods of one economy in one group."""
    assert [str(p) for p in _memberships(k)] == []


def test_an_overlapping_period_is_caught(files: tuple[EconomiesFile, GroupsFile]) -> None:
    econ, groups = files
    extra = Membership(group="LDC", economy="BTN", valid_from=dt.date(2020, 1, 1), source="test")
    k = _knowledge(econ, groups, [*groups.memberships, extra])
    assert [(p.entry, p.field) for p in _memberships(k)] == [("memberships (LDC/BTN)", "valid_from")]


def test_income_groups_ship_no_memberships(k: Knowledge) -> None:
    """Income memberships come from the World Bank at run time (wsis.reference.income)."""
    assert [m for m in k.memberships if m.group in INCOME] == []


def test_ldc_counts_follow_the_graduations(k: Knowledge) -> None:
    # 46 LDCs from Vanuatu's graduation (Dec 2020), 45 after Bhutan's, 44 after Sao Tome and Principe's.
    assert len(k.members("LDC", dt.date(2021, 6, 30))) == 46
    assert len(k.members("LDC", dt.date(2024, 6, 30))) == 45
    assert len(k.members("LDC", dt.date(2025, 1, 1))) == 44


@pytest.mark.parametrize(
    ("economy", "left"),
    [
        ("BWA", None),  # December 1994, day not recorded
        ("CPV", dt.date(2007, 12, 20)),
        ("MDV", dt.date(2011, 1, 1)),
        ("WSM", dt.date(2014, 1, 1)),
        ("GNQ", dt.date(2017, 6, 4)),
        ("VUT", dt.date(2020, 12, 4)),
        ("BTN", dt.date(2023, 12, 13)),
        ("STP", dt.date(2024, 12, 13)),
    ],
)
def test_graduated_ldcs_leave_on_their_graduation_day(
    k: Knowledge, economy: str, left: dt.date | None
) -> None:
    spans = [m for m in k.memberships if m.group == "LDC" and m.economy == economy]
    assert len(spans) == 1
    span = spans[0]
    assert span.valid_to is not None and span.note, economy
    if left is None:
        assert span.valid_to.year == 1994
    else:
        assert span.valid_to == left
        assert span.covers(left - dt.timedelta(days=1)) and not span.covers(left)


def test_south_sudan_joins_the_ldcs_in_2012(k: Knowledge) -> None:
    assert "SSD" not in k.members("LDC", dt.date(2012, 1, 1))
    assert "SSD" in k.members("LDC", dt.date(2013, 1, 1))


@pytest.mark.parametrize("economy", ["BGD", "LAO", "NPL"])
def test_scheduled_2026_graduations_are_members_with_a_note(k: Knowledge, economy: str) -> None:
    spans = [m for m in k.memberships if m.group == "LDC" and m.economy == economy]
    assert [s.valid_to for s in spans] == [None]
    assert spans[0].note is not None and "2026" in spans[0].note


def test_lldc_and_sids_lists(k: Knowledge) -> None:
    day = dt.date(2024, 6, 30)
    lldc, sids = k.members("LLDC", day), k.members("SIDS", day)
    assert len(lldc) == 32
    assert len(sids) == 53
    # Landlocked and island states exclude each other.
    assert set(lldc).isdisjoint(sids)
    # Every LLDC is landlocked inside an M49 region; M49 sub-region of an LLDC is never Polynesia etc.
    for iso3 in lldc:
        assert k.economies[iso3].subregion not in {"053", "054", "057", "061", "029"}, iso3


def test_itu_regions_cover_193_member_states_once_each(k: Knowledge) -> None:
    day = dt.date(2024, 6, 30)
    members = {code: k.members(code, day) for code in ITU_REGIONS}
    everyone = [iso3 for listed in members.values() for iso3 in listed]
    assert len(everyone) == len(set(everyone)) == 193
    # ITU membership is the UN membership less Palau, plus the Holy See.
    assert "VAT" in everyone and "PLW" not in everyone and "PSE" not in everyone


def test_itu_regions_agree_with_m49_geography(k: Knowledge) -> None:
    day = dt.date(2024, 6, 30)
    allowed = {
        "AFR": {"002"},
        "AMS": {"019"},
        "ARB": {"002", "142"},
        "ASP": {"142", "009"},
        "CIS": {"142", "150"},
        "EUR": {"150", "142"},  # Cyprus, Israel and Türkiye are in Western Asia
    }
    for code, regions in allowed.items():
        for iso3 in k.members(code, day):
            assert k.economies[iso3].region in regions, (code, iso3)


def test_uncertain_itu_assignments_say_so(k: Knowledge) -> None:
    itu = [m for m in k.memberships if m.group in ITU_REGIONS]
    assert all("uncertain" in m.source or m.note for m in itu)


def test_memberships_start_before_they_end_and_name_a_source(k: Knowledge) -> None:
    for m in k.memberships:
        assert m.source.strip()
        assert m.valid_to is None or m.valid_from < m.valid_to
