"""sdg.yaml: 17 goals, the 169 targets exactly as the UN numbers them, the ICT-related indicators."""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

from wsis.reference import checks, sdg_texts
from wsis.reference.schema import UN_LANGUAGES, SdgFile


@pytest.fixture(scope="module")
def sdg(read_reference) -> SdgFile:
    return read_reference("sdg.yaml", SdgFile)


@pytest.fixture(scope="module")
def official(shared: Path) -> sdg_texts.OfficialSdg:
    return sdg_texts.load_iati_folder(shared / "iati" / "codelists")


def test_target_codes_are_the_official_list_in_its_order(sdg: SdgFile, shared: Path) -> None:
    # Read the codes straight from IATI's file, independently of wsis.reference.sdg_texts.
    root = SafeET.parse(str(shared / "iati" / "codelists" / "UNSDG-Targets.xml")).getroot()
    official_codes = [item.findtext("code") for item in root.iter("codelist-item")]
    assert len(official_codes) == 169
    assert [t.code for t in sdg.targets] == official_codes


def test_goal_codes_are_the_official_list(sdg: SdgFile, shared: Path) -> None:
    root = SafeET.parse(str(shared / "iati" / "codelists" / "UNSDG-Goals.xml")).getroot()
    assert [g.code for g in sdg.goals] == [item.findtext("code") for item in root.iter("codelist-item")]


def test_goal_titles_in_the_six_un_languages(sdg: SdgFile) -> None:
    assert [g.code for g in sdg.goals if not g.title.complete()] == []
    for goal in sdg.goals:
        assert len({goal.title.get(lang) for lang in UN_LANGUAGES}) == 6, goal.code


def test_titles_are_our_own_words_not_the_official_text(
    sdg: SdgFile, official: sdg_texts.OfficialSdg
) -> None:
    def close(ours: str, theirs: str) -> bool:
        return difflib.SequenceMatcher(None, ours.lower(), theirs.lower()).ratio() >= 0.8

    copied = [t.code for t in sdg.targets if close(t.title.en, official.targets[t.code].title)]
    for goal in sdg.goals:
        for lang in ("en", "fr"):  # the languages IATI publishes; drop the "Goal 1. " label first
            text = official.goals[goal.code].titles[lang].split(". ", 1)[1]
            if close(goal.title.get(lang), text):
                copied.append(f"goal {goal.code} ({lang})")
    assert copied == []


def test_cross_file_rules_hold(sdg: SdgFile, knowledge_of) -> None:
    assert list(checks._sdgs(knowledge_of(sdg=sdg))) == []


def test_ict_indicators_and_their_series(sdg: SdgFile) -> None:
    series = {i.code: set(i.series) for i in sdg.indicators}
    for code in ("4.4.1", "4.a.1", "5.b.1", "9.c.1", "17.6.1", "17.8.1"):
        assert series.get(code), f"{code} is missing or has no series"
    assert {"IT_MOB_2GNTWK", "IT_MOB_3GNTWK", "IT_MOB_4GNTWK"} <= series["9.c.1"]
    assert "IT_USE_ii99" in series["17.8.1"] and "IT_NET_BBND" in series["17.6.1"]
    assert all(i.ict for i in sdg.indicators if i.code != "8.10.2")


@pytest.mark.parametrize("extract", ["sdg-4.4.1-ict-skills.csv", "sdg-5.b.1-mobile-ownership.csv"])
def test_series_match_the_un_global_database(sdg: SdgFile, shared: Path, extract: str) -> None:
    with (shared / "sdg-database" / extract).open(encoding="utf-8-sig", newline="") as handle:
        published = {(row["Indicator"], row["SeriesCode"]) for row in csv.DictReader(handle)}
    assert published
    ours = {(i.code, s) for i in sdg.indicators for s in i.series}
    assert published <= ours


def test_a_missing_target_is_reported(sdg: SdgFile, knowledge_of) -> None:
    fewer = sdg.model_copy(update={"targets": [t for t in sdg.targets if t.code != "9.c"]})
    problems = list(checks._sdgs(knowledge_of(sdg=fewer)))
    # 9.c.1 now hangs in the air too.
    assert [p.message for p in problems] == ["expected 169 targets, found 168", "target 9.c does not exist"]
