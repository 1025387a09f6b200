"""The append-only, hash-chained ballot log and the tally anyone can recompute from it.

Each entry commits to the one before it: ``hash = SHA-256(canonical JSON of every field but the hash)``,
and the canonical JSON includes ``prev_hash``. Changing, deleting, inserting or reordering one row
therefore breaks the chain at that row, and :func:`verify` names the first such row.

Voters appear only as ``voter``: an HMAC-SHA-256 of the account id keyed with a secret of the cycle. The
public cannot link a ballot to an account, but can see that two ballots come from the same voter, which
is what checking "one vote per voter per category" needs."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
CHAMPIONS_PER_CATEGORY = 5


class BallotLogError(ValueError):
    """A log that cannot be read: names the entry and the field."""


@dataclass(frozen=True)
class BallotEntry:
    seq: int
    prev_hash: str
    cycle: int
    category: int
    nominee: str
    voter: str
    at: str  # ISO 8601 UTC with microseconds, as written: the exact string is hashed
    hash: str = ""

    def body(self) -> dict[str, object]:
        data = asdict(self)
        del data["hash"]
        return data

    def computed_hash(self) -> str:
        return entry_hash(self.body())


def canonical(body: dict[str, object]) -> bytes:
    """Sorted keys, no spaces, ASCII only: the same bytes in every language and library."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def entry_hash(body: dict[str, object]) -> str:
    return hashlib.sha256(canonical(body)).hexdigest()


def anonymise(account_id: int | str, secret: bytes) -> str:
    """The public voter id of an account in one cycle (a new secret per cycle unlinks cycles too)."""
    return hmac.new(secret, str(account_id).encode(), hashlib.sha256).hexdigest()


def timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise BallotLogError("ballot timestamps must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def next_entry(
    *, prev_seq: int, prev_hash: str, cycle: int, category: int, nominee: str, voter: str, at: datetime
) -> BallotEntry:
    """The entry that follows the head (``prev_seq`` 0 and ``GENESIS``: the first of the log)."""
    draft = BallotEntry(
        seq=prev_seq + 1,
        prev_hash=prev_hash,
        cycle=cycle,
        category=category,
        nominee=nominee,
        voter=voter,
        at=timestamp(at),
    )
    return dataclasses.replace(draft, hash=draft.computed_hash())


def append(log: list[BallotEntry], **fields: Any) -> BallotEntry:
    """Append the next entry to an in-memory log (tests, simulations)."""
    head = log[-1] if log else None
    entry = next_entry(prev_seq=head.seq if head else 0, prev_hash=head.hash if head else GENESIS, **fields)
    log.append(entry)
    return entry


def from_dict(row: dict[str, object], position: int) -> BallotEntry:
    """One entry of a published log (JSON); ``position`` (1-based) names it in errors."""
    try:
        return BallotEntry(
            seq=int(row["seq"]),  # type: ignore[call-overload]
            prev_hash=str(row["prev_hash"]),
            cycle=int(row["cycle"]),  # type: ignore[call-overload]
            category=int(row["category"]),  # type: ignore[call-overload]
            nominee=str(row["nominee"]),
            voter=str(row["voter"]),
            at=str(row["at"]),
            hash=str(row["hash"]),
        )
    except KeyError as exc:
        raise BallotLogError(f"ballot log entry {position}: missing field {exc.args[0]!r}") from exc
    except (TypeError, ValueError) as exc:
        raise BallotLogError(f"ballot log entry {position}: {exc}") from exc


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad: int | None = None  # 1-based position in the list given
    reason: str = ""

    def __str__(self) -> str:
        if self.ok:
            return f"ballot log verified: {self.checked} entries, chain intact"
        return f"ballot log BROKEN at entry {self.first_bad}: {self.reason}"


def verify(
    entries: Sequence[BallotEntry], *, expected_count: int | None = None, expected_head: str = ""
) -> Verification:
    """Walk the chain and stop at the first row that does not fit.

    A changed row fails its own hash; a deleted, inserted or moved row breaks the sequence or the link to
    its predecessor. Truncation at the end is only visible against a published head (count and last hash),
    which is why the results page publishes both."""
    prev = GENESIS
    for position, entry in enumerate(entries, start=1):
        if entry.computed_hash() != entry.hash:
            return Verification(
                False, position - 1, position, f"seq {entry.seq}: content does not match its hash"
            )
        if entry.seq != position:
            return Verification(
                False,
                position - 1,
                position,
                f"expected seq {position}, found {entry.seq} (row missing, inserted or moved)",
            )
        if entry.prev_hash != prev:
            return Verification(
                False, position - 1, position, f"seq {entry.seq}: prev_hash does not match the row before"
            )
        prev = entry.hash
    count = len(entries)
    if expected_count is not None and count != expected_count:
        return Verification(
            False, count, count + 1, f"published head has {expected_count} entries, log has {count}"
        )
    if expected_head and prev != expected_head:
        return Verification(False, count, count, "last hash differs from the published head")
    return Verification(True, count)


@dataclass
class Tally:
    counts: dict[int, dict[str, int]] = field(default_factory=dict)  # category -> nominee -> votes
    excluded: dict[int, dict[str, int]] = field(default_factory=dict)  # flagged and confirmed invalid
    duplicates: list[int] = field(default_factory=list)  # seqs of a second ballot by one voter in a category
    champions: dict[int, list[str]] = field(default_factory=dict)
    ballots: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "ballots": self.ballots,
            "counts": {str(c): dict(sorted(n.items())) for c, n in sorted(self.counts.items())},
            "excluded": {str(c): dict(sorted(n.items())) for c, n in sorted(self.excluded.items())},
            "duplicates": self.duplicates,
            "champions": {str(c): names for c, names in sorted(self.champions.items())},
        }


def champions_of(counts: dict[str, int], n: int = CHAMPIONS_PER_CATEGORY) -> list[str]:
    """The top ``n`` by votes. A tie at the n-th place admits every nominee of that count (so a category
    may have more than n champions); within equal counts the order is by nominee id, for a stable list."""
    ranked = sorted(((-votes, nominee) for nominee, votes in counts.items() if votes > 0))
    if len(ranked) <= n:
        return [nominee for _, nominee in ranked]
    cutoff = ranked[n - 1][0]
    return [nominee for votes, nominee in ranked if votes <= cutoff]  # votes are negated: <= is "at least"


def tally(
    entries: Iterable[BallotEntry],
    *,
    excluded_seqs: Iterable[int] = (),
    champions: int = CHAMPIONS_PER_CATEGORY,
) -> Tally:
    """Count the ballots per category and nominee.

    Only a voter's first ballot in a category counts (later ones are listed in ``duplicates``; the site's
    database refuses them, so a published log should have none). Ballots in ``excluded_seqs`` - flagged and
    confirmed invalid by moderators, listed with the results - are counted apart, never silently dropped."""
    excluded = set(excluded_seqs)
    result = Tally()
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    out: dict[int, Counter[str]] = defaultdict(Counter)
    seen: set[tuple[int, str]] = set()
    for entry in entries:
        result.ballots += 1
        key = (entry.category, entry.voter)
        if key in seen:
            result.duplicates.append(entry.seq)
            continue
        seen.add(key)
        (out if entry.seq in excluded else counts)[entry.category][entry.nominee] += 1
    result.counts = {c: dict(n) for c, n in counts.items()}
    result.excluded = {c: dict(n) for c, n in out.items()}
    result.champions = {c: champions_of(n, champions) for c, n in result.counts.items()}
    return result
