"""The cycle's ballot log as the engine reads it, its verification, the tally with champions, and the anomaly
rules stored as flags for moderators."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from wsis.apps.prizes.domain.errors import NotAllowed
from wsis.apps.prizes.domain.phases import require_open
from wsis.apps.prizes.enums import FlagStatus, Phase
from wsis.apps.prizes.models import BallotEntry, BallotHead, Cycle, Nominee, Vote, VoteFlag
from wsis.engine.prizes import METHOD_DOCUMENT, METHOD_VERSION
from wsis.engine.prizes import ballot_log as log
from wsis.engine.prizes.anomalies import Thresholds, VoteRecord, detect

_DURATIONS = {"window", "fresh_account_age", "curve_interval"}


def entries(cycle: Cycle, *, after: int = 0, limit: int | None = None) -> list[log.BallotEntry]:
    rows = BallotEntry.objects.filter(cycle=cycle, seq__gt=after).order_by("seq")
    if limit is not None:
        rows = rows[:limit]
    return [
        log.BallotEntry(
            seq=r.seq,
            prev_hash=r.prev_hash,
            cycle=cycle.year,
            category=r.category,
            nominee=r.nominee,
            voter=r.voter,
            at=r.at,
            hash=r.hash,
        )
        for r in rows.iterator(chunk_size=5000)
    ]


def verify_cycle(cycle: Cycle) -> log.Verification:
    """The stored log against its own chain and the head row (which the results page publishes)."""
    head = BallotHead.objects.get(cycle=cycle)
    return log.verify(entries(cycle), expected_count=head.seq, expected_head=head.hash if head.seq else "")


def thresholds(cycle: Cycle) -> Thresholds:
    """The cycle's thresholds; durations are given in minutes in ``anomaly_thresholds``."""
    values = {}
    for name, value in (cycle.anomaly_thresholds or {}).items():
        if name not in Thresholds.__dataclass_fields__:
            raise ValueError(f"cycle {cycle.year}: anomaly_thresholds: unknown threshold {name!r}")
        values[name] = dt.timedelta(minutes=float(value)) if name in _DURATIONS else value
    return Thresholds(**values)


def records(cycle: Cycle) -> list[VoteRecord]:
    rows = Vote.objects.filter(cycle=cycle).values_list(
        "seq", "at", "category", "nominee_id", "voter_id", "account_created", "ip", "user_agent"
    )
    return [
        VoteRecord(s, at, c, str(n), v, created, ip, ua)
        for s, at, c, n, v, created, ip, ua in rows.iterator()
    ]


def run_anomaly_rules(cycle: Cycle) -> list[VoteFlag]:
    """Store what the rules find. A flag already reviewed keeps its decision; its ballots are updated."""
    found = detect(records(cycle), thresholds(cycle))
    stored = []
    with transaction.atomic():
        for flag in found:
            row, _created = VoteFlag.objects.update_or_create(
                cycle=cycle,
                rule=flag.rule,
                key=flag.key[:200],
                defaults={"detail": flag.detail, "seqs": list(flag.vote_ids)},
            )
            stored.append(row)
    return stored


def confirmed_invalid(cycle: Cycle) -> set[int]:
    seqs: set[int] = set()
    for flag in VoteFlag.objects.filter(cycle=cycle, status=FlagStatus.CONFIRMED):
        seqs.update(flag.seqs)
    return seqs


def compute(cycle: Cycle) -> log.Tally:
    return log.tally(entries(cycle), excluded_seqs=confirmed_invalid(cycle), champions=cycle.champions)


def run_tally(cycle: Cycle, *, store: bool = True) -> log.Tally:
    """Recompute the tally from the log; ``store`` writes votes and champions on the nominees."""
    result = compute(cycle)
    if store:
        with transaction.atomic():
            for nominee in Nominee.objects.filter(cycle=cycle):
                counts = result.counts.get(nominee.category, {})
                nominee.votes = counts.get(nominee.public_id, 0)
                nominee.is_champion = nominee.public_id in result.champions.get(nominee.category, [])
                nominee.save(update_fields=["votes", "is_champion"])
    return result


def published(cycle: Cycle) -> dict[str, object]:
    """What the results page and API publish: the tally, the head, the method and the flags' summary."""
    head = BallotHead.objects.get(cycle=cycle)
    result = compute(cycle)
    flags = VoteFlag.objects.filter(cycle=cycle)
    return {
        "cycle": cycle.year,
        "method": {
            "document": METHOD_DOCUMENT,
            "version": METHOD_VERSION,
            "thresholds": str(thresholds(cycle)),
        },
        "head": {"entries": head.seq, "hash": head.hash},
        "tally": result.as_dict(),
        "flags": [
            {
                "rule": f.rule,
                "key": f.key,
                "ballots": len(f.seqs),
                "status": f.status,
                "seqs": f.seqs if f.status == FlagStatus.CONFIRMED else [],
            }
            for f in flags
        ],
    }


def select_winner(*, nominee: Nominee, actor, reason: str = "") -> Nominee:
    """The expert group's choice: one winner per category, among the champions."""
    require_open(nominee.cycle, Phase.SELECTION)
    if not nominee.is_champion:
        raise NotAllowed(_("Only a champion of the public vote can be chosen as the winner of its category."))
    with transaction.atomic():
        Nominee.objects.filter(cycle=nominee.cycle, category=nominee.category, is_winner=True).update(
            is_winner=False
        )
        nominee.is_winner = True
        nominee.winner_reason = reason
        nominee.selected_by = actor
        nominee.save(update_fields=["is_winner", "winner_reason", "selected_by"])
    return nominee


def review_flag(*, flag: VoteFlag, status: str, actor, reason: str) -> VoteFlag:
    if status not in FlagStatus.values or not reason.strip():
        raise NotAllowed(_("A decision on a flag needs a status and a reason."))
    flag.status = status
    flag.reason = reason.strip()
    flag.reviewed_by = actor
    flag.save(update_fields=["status", "reason", "reviewed_by"])
    return flag
