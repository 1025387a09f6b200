"""wsis_sdg_matrix.yaml: every action line serves existing SDG targets, each link with its reason."""

from __future__ import annotations

from collections import Counter

import pytest

from wsis.reference import checks
from wsis.reference.schema import ActionLinesFile, MatrixFile, MatrixLink, SdgFile


@pytest.fixture(scope="module")
def matrix(read_reference) -> MatrixFile:
    return read_reference("wsis_sdg_matrix.yaml", MatrixFile)


@pytest.fixture(scope="module")
def lines(read_reference) -> ActionLinesFile:
    return read_reference("action_lines.yaml", ActionLinesFile)


def test_cross_file_rules_hold(matrix: MatrixFile, knowledge_of) -> None:
    assert list(checks._matrix(knowledge_of(matrix=matrix))) == []


def test_every_prize_category_line_maps_to_three_to_ten_existing_targets(
    matrix: MatrixFile, lines: ActionLinesFile, read_reference
) -> None:
    targets = {t.code for t in read_reference("sdg.yaml", SdgFile).targets}
    per_line = Counter(link.line for link in matrix.links)
    for line in lines.lines:
        if line.prize_category is None:  # C7: served through its sub-lines
            assert per_line[line.code] == 0
            continue
        assert 3 <= per_line[line.code] <= 10, f"{line.code}: {per_line[line.code]} links"
    assert {link.target for link in matrix.links} <= targets


def test_each_link_is_answered_for_by_the_line_s_lead_facilitator(
    matrix: MatrixFile, lines: ActionLinesFile
) -> None:
    lead = {line.code: line.lead_facilitators for line in lines.lines}
    wrong = [
        f"{k.line}->{k.target}: {k.facilitator}" for k in matrix.links if k.facilitator not in lead[k.line]
    ]
    assert wrong == []


def test_rationales_are_written_per_link(matrix: MatrixFile) -> None:
    repeated = [text for text, n in Counter(link.rationale for link in matrix.links).items() if n > 1]
    assert repeated == []


def test_ict_targets_are_served(matrix: MatrixFile) -> None:
    served = {link.target for link in matrix.links}
    assert {"9.c", "4.4", "4.a", "5.b", "17.6", "17.8"} <= served


def test_version_has_a_change_log_entry(matrix: MatrixFile) -> None:
    assert matrix.version in [change.version for change in matrix.changelog]


def test_unknown_target_duplicate_and_unversioned_change_are_reported(
    matrix: MatrixFile, knowledge_of
) -> None:
    bad_link = MatrixLink(
        line="C2", target="9.z", rationale="A target that does not exist.", facilitator="ITU"
    )
    broken = matrix.model_copy(
        update={"links": [*matrix.links, bad_link, matrix.links[0]], "version": "2099.1"}
    )
    problems = {(p.field, p.message) for p in checks._matrix(knowledge_of(matrix=broken))}
    assert ("target", "unknown SDG target 9.z") in problems
    assert ("target", "link listed twice") in problems
    assert ("version", "version 2099.1 has no change-log entry") in problems


def test_a_line_without_links_is_reported(matrix: MatrixFile, knowledge_of) -> None:
    without_c9 = matrix.model_copy(update={"links": [k for k in matrix.links if k.line != "C9"]})
    problems = [p.message for p in checks._matrix(knowledge_of(matrix=without_c9))]
    assert problems == ["action line C9 maps to no SDG target"]
