"""economies.yaml: every ISO 3166-1 area with its M49 code, M49 regions and names in the six UN languages."""

from __future__ import annotations

import pycountry
import pytest

from wsis.reference import cldr, loader
from wsis.reference.checks import _regions
from wsis.reference.loader import PACKAGE_DATA, Knowledge, Problem
from wsis.reference.schema import UN_LANGUAGES, EconomiesFile


def _knowledge(econ: EconomiesFile) -> tuple[Knowledge, list[Problem]]:
    """The economies part of the knowledge, filled with CLDR names as ``loader.load`` does."""
    problems: list[Problem] = []
    economies = [loader._with_names(e, problems) for e in econ.economies]
    k = Knowledge(
        directory=PACKAGE_DATA,
        versions={"economies.yaml": econ.version},
        action_lines={},
        goals={},
        targets={},
        sdg_indicators={},
        matrix=None,  # type: ignore[arg-type]  # not needed by the economy rules
        regions=loader._index(econ.regions, "m49", "economies.yaml", "regions", problems),
        economies=loader._index(economies, "iso3", "economies.yaml", "economies", problems),
        groups={},
        memberships=[],
        indicators={},
        connectivity_targets={},
        crosswalk=None,  # type: ignore[arg-type]  # not needed here
    )
    return k, problems


@pytest.fixture(scope="module")
def econ() -> EconomiesFile:
    problems: list[Problem] = []
    parsed = loader._read(PACKAGE_DATA / "economies.yaml", EconomiesFile, problems)
    assert parsed is not None and problems == [], [str(p) for p in problems]
    return parsed


@pytest.fixture(scope="module")
def knowledge(econ: EconomiesFile) -> Knowledge:
    k, problems = _knowledge(econ)
    assert problems == [], [str(p) for p in problems]
    return k


def test_every_iso_3166_area_is_an_economy_once(econ: EconomiesFile) -> None:
    iso = {c.alpha_3: c for c in pycountry.countries}
    ours = [e.iso3 for e in econ.economies]
    assert len(ours) == len(set(ours))
    assert set(ours) == set(iso)
    for e in econ.economies:
        assert e.iso2 == iso[e.iso3].alpha_2, e.iso3
        # M49 area codes are the ISO 3166-1 numeric codes, zero padded to three digits.
        assert e.m49 == iso[e.iso3].numeric, e.iso3


def test_m49_codes_are_unique(econ: EconomiesFile) -> None:
    codes = [e.m49 for e in econ.economies] + [r.m49 for r in econ.regions]
    assert len(codes) == len(set(codes))


def test_regions_and_economies_pass_the_cross_file_rules(knowledge: Knowledge) -> None:
    assert [str(p) for p in _regions(knowledge)] == []


def test_every_economy_has_six_names(knowledge: Knowledge) -> None:
    for iso3, e in knowledge.economies.items():
        assert e.names is not None and e.names.complete(), iso3
        for lang in UN_LANGUAGES:
            assert e.names.get(lang).strip(), (iso3, lang)


def test_every_region_has_six_names(knowledge: Knowledge) -> None:
    for code, region in knowledge.regions.items():
        names = loader.region_names(region)
        assert names is not None and names.complete(), code


def test_names_are_given_only_where_cldr_lacks_them_or_un_usage_differs(econ: EconomiesFile) -> None:
    for e in econ.economies:
        if e.names is not None:
            # A name that overrides CLDR must say why.
            assert e.names.complete(), e.iso3
            assert cldr.territory_names(e.iso2) is None or e.note, e.iso3
    for r in econ.regions:
        if r.name is not None:
            assert r.name.complete(), r.m49
            assert cldr.territory_names(r.m49) is None, f"{r.m49}: CLDR has this region; drop the name"


def test_state_of_palestine_carries_the_un_name(knowledge: Knowledge) -> None:
    names = knowledge.economies["PSE"].names
    assert names is not None
    assert names.en == "State of Palestine"
    assert names.fr == "État de Palestine"


def test_only_explained_economies_lack_a_region(econ: EconomiesFile) -> None:
    without = [e for e in econ.economies if e.region is None]
    assert {e.iso3 for e in without} >= {"ATA"}
    for e in without:
        assert e.note and "region" in e.note, e.iso3
        assert e.subregion is None and e.intermediate_region is None, e.iso3


def test_taiwan_is_documented_and_outside_m49_regions(knowledge: Knowledge) -> None:
    taiwan = knowledge.economies["TWN"]
    assert taiwan.region is None
    assert taiwan.note is not None and "M49" in taiwan.note and "China" in taiwan.note


def test_every_economy_with_a_region_has_a_subregion(econ: EconomiesFile) -> None:
    for e in econ.economies:
        if e.region is not None:
            assert e.subregion is not None, e.iso3


def test_intermediate_regions_sit_inside_the_economys_subregion(knowledge: Knowledge) -> None:
    for iso3, e in knowledge.economies.items():
        if e.intermediate_region is not None:
            assert knowledge.regions[e.intermediate_region].parent == e.subregion, iso3


def test_the_five_m49_regions_and_their_levels(knowledge: Knowledge) -> None:
    levels: dict[str, set[str]] = {}
    for code, region in knowledge.regions.items():
        levels.setdefault(region.level, set()).add(code)
    assert levels["region"] == {"002", "019", "142", "150", "009"}
    assert {"202", "419", "021"} <= levels["subregion"]
    assert {"014", "017", "018", "011", "029", "013", "005", "830"} == levels["intermediate"]


def test_every_region_has_members(knowledge: Knowledge) -> None:
    used = set()
    for e in knowledge.economies.values():
        used.update(c for c in (e.region, e.subregion, e.intermediate_region) if c)
    assert set(knowledge.regions) == used


def test_the_region_rule_catches_an_economy_outside_its_region(econ: EconomiesFile) -> None:
    """The checks used above can fail: a sub-region outside the economy's region is reported."""
    broken = [e.model_copy(update={"region": "150"}) if e.iso3 == "KEN" else e for e in econ.economies]
    k, _ = _knowledge(econ.model_copy(update={"economies": broken}))
    problems = list(_regions(k))
    assert [(p.entry, p.field) for p in problems] == [("economies (KEN)", "subregion")]
