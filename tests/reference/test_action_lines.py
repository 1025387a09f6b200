"""action_lines.yaml: the 18 WSIS Prize categories, C7 split into its eight sub-lines, facilitators."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from wsis.reference import checks
from wsis.reference.loader import load
from wsis.reference.schema import UN_LANGUAGES, ActionLine, ActionLinesFile

PRIZE_ORDER = (
    ["C1", "C2", "C3", "C4", "C5", "C6"] + [f"C7.{s}" for s in "abcdefgh"] + ["C8", "C9", "C10", "C11"]
)


@pytest.fixture(scope="module")
def lines(read_reference) -> ActionLinesFile:
    return read_reference("action_lines.yaml", ActionLinesFile)


def test_eighteen_prize_categories_in_the_order_of_the_plan_of_action(lines: ActionLinesFile) -> None:
    by_category = sorted(
        (line for line in lines.lines if line.prize_category), key=lambda x: x.prize_category or 0
    )
    assert [line.code for line in by_category] == PRIZE_ORDER
    assert [line.prize_category for line in by_category] == list(range(1, 19))


def test_c7_is_the_only_line_without_a_category_and_parents_the_eight_sub_lines(
    lines: ActionLinesFile,
) -> None:
    assert [line.code for line in lines.lines if line.prize_category is None] == ["C7"]
    sub_lines = {line.code: line.parent for line in lines.lines if line.parent}
    assert sub_lines == {f"C7.{s}": "C7" for s in "abcdefgh"}


def test_sub_lines_in_the_agreed_order(lines: ActionLinesFile) -> None:
    names = [line.name.en for line in lines.lines if line.parent == "C7"]
    assert names == [
        "E-government",
        "E-business",
        "E-learning",
        "E-health",
        "E-employment",
        "E-environment",
        "E-agriculture",
        "E-science",
    ]


def test_every_name_in_the_six_un_languages(lines: ActionLinesFile) -> None:
    incomplete = [line.code for line in lines.lines if not line.name.complete()]
    assert incomplete == []
    # Six distinct texts: a name "translated" by pasting the English would slip through complete().
    for line in lines.lines:
        texts = [line.name.get(lang) for lang in UN_LANGUAGES]
        assert texts[UN_LANGUAGES.index("en")] not in [
            t for i, t in enumerate(texts) if UN_LANGUAGES[i] != "en"
        ], line.code


def test_facilitators_from_the_domain_notes(lines: ActionLinesFile) -> None:
    lead = {line.code: line.lead_facilitators[0] for line in lines.lines if line.lead_facilitators}
    assert lead == {
        "C1": "UN DESA",
        "C2": "ITU",
        "C3": "UNESCO",
        "C4": "UNDP",
        "C5": "ITU",
        "C6": "ITU",
        "C7.a": "UN DESA",
        "C7.b": "UNCTAD",
        "C7.c": "UNESCO",
        "C7.d": "WHO",
        "C7.e": "ILO",
        "C7.f": "WMO",
        "C7.g": "FAO",
        "C7.h": "UNESCO",
        "C8": "UNESCO",
        "C9": "UNESCO",
        "C10": "UNESCO",
        "C11": "UN DESA",
    }
    e_environment = next(line for line in lines.lines if line.code == "C7.f")
    assert {"UNEP", "ITU"} <= set(e_environment.co_facilitators)


def test_unconfirmed_facilitators_are_flagged_and_say_so(lines: ActionLinesFile) -> None:
    unverified = {line.code for line in lines.lines if not line.verified}
    assert unverified == {"C4", "C7.e"}
    for line in lines.lines:
        assert line.source.strip(), line.code
        assert ("verify" in line.source) == (line.code in unverified), line.code


def test_cross_file_rules_hold(lines: ActionLinesFile, knowledge_of) -> None:
    assert list(checks._lines(knowledge_of(lines=lines))) == []


def test_parent_line_with_its_own_category_is_refused(lines: ActionLinesFile, knowledge_of) -> None:
    changed = [
        line.model_copy(update={"prize_category": 19 - 1}) if line.code == "C7" else line
        for line in lines.lines
    ]
    problems = list(checks._lines(knowledge_of(lines=lines.model_copy(update={"lines": changed}))))
    assert any(p.entry == "lines (C7)" and p.field == "prize_category" for p in problems)


def test_sub_line_without_category_is_refused(lines: ActionLinesFile, knowledge_of) -> None:
    changed = [
        line.model_copy(update={"prize_category": None}) if line.code == "C7.d" else line
        for line in lines.lines
    ]
    problems = list(checks._lines(knowledge_of(lines=lines.model_copy(update={"lines": changed}))))
    messages = {(p.entry, p.field) for p in problems}
    assert ("lines (C7.d)", "prize_category") in messages
    assert ("lines", "prize_category") in messages  # 10 is now missing from 1-18


def test_sub_line_of_a_missing_parent_is_refused(lines: ActionLinesFile, knowledge_of) -> None:
    without_c7 = [line for line in lines.lines if line.code != "C7"]
    problems = list(checks._lines(knowledge_of(lines=lines.model_copy(update={"lines": without_c7}))))
    assert sum(p.field == "parent" and "C7" in p.message for p in problems) == 8


def test_a_prize_category_line_needs_a_lead_facilitator() -> None:
    with pytest.raises(ValidationError, match="lead facilitator"):
        ActionLine.model_validate(
            {
                "code": "C9",
                "name": {"en": "Media"},
                "prize_category": 16,
                "lead_facilitators": [],
                "source": "x",
            }
        )


def test_full_reference_load_serves_every_line() -> None:
    k = load()
    assert len(k.action_lines) == 19
    for code, line in k.action_lines.items():
        if line.prize_category is not None:
            assert k.targets_for_line(code), code
