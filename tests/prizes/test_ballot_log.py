"""The hash chain and the tally, on hand-made logs: every kind of tampering is found at its row."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from wsis.engine.prizes.ballot_log import (
    GENESIS,
    BallotEntry,
    BallotLogError,
    anonymise,
    append,
    champions_of,
    from_dict,
    next_entry,
    tally,
    verify,
)

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECRET = b"cycle-2026-secret"


def build(votes: list[tuple[int, str, int]]) -> list[BallotEntry]:
    """votes: (category, nominee, account id)."""
    log: list[BallotEntry] = []
    for i, (category, nominee, account) in enumerate(votes):
        append(
            log,
            cycle=2026,
            category=category,
            nominee=nominee,
            voter=anonymise(account, SECRET),
            at=START + timedelta(seconds=i),
        )
    return log


VOTES = [(1, "a", 1), (1, "b", 2), (2, "x", 1), (1, "a", 3), (2, "y", 2), (1, "c", 4)]


def test_a_fresh_chain_verifies_and_links() -> None:
    log = build(VOTES)
    assert log[0].prev_hash == GENESIS and log[0].seq == 1
    assert all(log[i].prev_hash == log[i - 1].hash for i in range(1, len(log)))
    result = verify(log, expected_count=6, expected_head=log[-1].hash)
    assert result.ok and result.checked == 6


def test_voter_ids_do_not_reveal_accounts_but_link_one_voters_ballots() -> None:
    log = build(VOTES)
    assert log[0].voter == log[2].voter  # account 1, two categories
    assert log[0].voter != log[1].voter
    assert "1" != log[0].voter and anonymise(1, b"another cycle") != log[0].voter


def test_a_changed_row_is_found() -> None:
    log = build(VOTES)
    log[3] = dataclasses.replace(log[3], nominee="b")
    result = verify(log)
    assert not result.ok and result.first_bad == 4 and "hash" in result.reason


def test_a_changed_row_with_a_recomputed_hash_breaks_the_next_link() -> None:
    log = build(VOTES)
    forged = dataclasses.replace(log[3], nominee="b")
    log[3] = dataclasses.replace(forged, hash=forged.computed_hash())
    result = verify(log)
    assert not result.ok and result.first_bad == 5 and "prev_hash" in result.reason


def test_a_deleted_row_is_found() -> None:
    log = build(VOTES)
    del log[2]
    result = verify(log)
    assert not result.ok and result.first_bad == 3


def test_an_inserted_row_is_found() -> None:
    log = build(VOTES)
    extra = next_entry(
        prev_seq=2, prev_hash=log[1].hash, cycle=2026, category=1, nominee="a", voter="f" * 64, at=START
    )
    log.insert(2, extra)
    result = verify(log)
    assert not result.ok and result.first_bad == 4  # the inserted row itself fits; the next one does not


def test_reordered_rows_are_found() -> None:
    log = build(VOTES)
    log[1], log[2] = log[2], log[1]
    result = verify(log)
    assert not result.ok and result.first_bad == 2


def test_truncation_is_found_against_the_published_head() -> None:
    log = build(VOTES)
    assert verify(log[:-1]).ok
    result = verify(log[:-1], expected_count=6, expected_head=log[-1].hash)
    assert not result.ok and "6" in result.reason


def test_tally_counts_first_ballot_per_voter_and_category() -> None:
    log = build([*VOTES, (1, "b", 1)])  # account 1 votes twice in category 1
    result = tally(log, champions=2)
    assert result.counts == {1: {"a": 2, "b": 1, "c": 1}, 2: {"x": 1, "y": 1}}
    assert result.duplicates == [7]
    assert result.champions[1] == ["a", "b", "c"]  # b and c tie for second place: both are champions
    assert result.champions[2] == ["x", "y"]


def test_excluded_ballots_are_counted_apart() -> None:
    result = tally(build(VOTES), excluded_seqs=[4])
    assert result.counts[1] == {"a": 1, "b": 1, "c": 1}
    assert result.excluded == {1: {"a": 1}}


def test_champions_top_n_and_ties() -> None:
    counts = {"a": 9, "b": 7, "c": 7, "d": 5, "e": 3, "f": 3, "g": 1, "h": 0}
    assert champions_of(counts, 5) == ["a", "b", "c", "d", "e", "f"]
    assert champions_of(counts, 3) == ["a", "b", "c"]
    assert champions_of({"a": 0}, 5) == []


def test_published_json_round_trips_and_bad_rows_are_named() -> None:
    log = build(VOTES)
    rows = json.loads(json.dumps([dataclasses.asdict(e) for e in log]))
    assert verify([from_dict(r, i) for i, r in enumerate(rows, 1)]).ok
    del rows[2]["voter"]
    with pytest.raises(BallotLogError, match="entry 3: missing field 'voter'"):
        from_dict(rows[2], 3)
