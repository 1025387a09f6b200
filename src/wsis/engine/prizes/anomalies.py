"""Anomaly rules for the public vote. They FLAG ballots for moderator review and never delete or change
one: the decision stays with people, and every flag is reported with the tally.

Each rule reads the private side of a vote (:class:`VoteRecord`: network address, user agent, account age),
which never appears in the public ballot log. Thresholds live in :class:`Thresholds`, set per cycle."""

from __future__ import annotations

import ipaddress
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

NETWORK_BURST = "network_burst"
SIGNUP_THEN_VOTE = "signup_then_vote"
SHARED_USER_AGENT = "shared_user_agent"
VOTE_CURVE = "vote_curve"
RULES = (NETWORK_BURST, SIGNUP_THEN_VOTE, SHARED_USER_AGENT, VOTE_CURVE)


@dataclass(frozen=True)
class VoteRecord:
    vote_id: int
    at: datetime
    category: int
    nominee: str
    account: int
    account_created: datetime
    ip: str
    user_agent: str


@dataclass(frozen=True)
class Thresholds:
    """Defaults are tuned so that a campus or a mobile operator's NAT is not flagged for ordinary use
    while a script is; a cycle may change each one (see the published method)."""

    window: timedelta = timedelta(minutes=10)
    burst_votes: int = 150  # ballots from one network (/24 or /48) within ``window``
    fresh_account_age: timedelta = timedelta(hours=1)
    fresh_votes: int = 30  # ballots for one nominee from fresh accounts within ``window``
    agent_accounts: int = 30  # distinct accounts with one user agent voting one nominee within ``window``
    curve_interval: timedelta = timedelta(minutes=10)
    curve_min_votes: int = 30  # an interval with fewer ballots for a nominee is never a curve anomaly
    curve_z: float = 6.0


@dataclass(frozen=True)
class Flag:
    rule: str
    key: str  # the network, nominee or user agent the flag is about
    vote_ids: tuple[int, ...] = field(default=())
    detail: str = ""


def network_of(ip: str) -> str:
    """The network a vote comes from: /24 for IPv4, /48 for IPv6 (one site's usual allocation)."""
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _windows(
    records: Sequence[VoteRecord], window: timedelta, minimum: int, distinct_accounts: bool = False
) -> set[int]:
    """Ids of records that fall in any sliding window of length ``window`` holding at least ``minimum``
    records (or distinct accounts). Two pointers over the time-sorted records."""
    ordered = sorted(records, key=lambda r: (r.at, r.vote_id))
    hit: set[int] = set()
    start = 0
    accounts: dict[int, int] = defaultdict(int)
    for end, record in enumerate(ordered):
        accounts[record.account] += 1
        while record.at - ordered[start].at >= window:
            gone = ordered[start].account
            accounts[gone] -= 1
            if not accounts[gone]:
                del accounts[gone]
            start += 1
        size = len(accounts) if distinct_accounts else end - start + 1
        if size >= minimum:
            hit.update(r.vote_id for r in ordered[start : end + 1])
    return hit


def _grouped(records: Iterable[VoteRecord], key) -> dict[str, list[VoteRecord]]:  # type: ignore[no-untyped-def]
    groups: dict[str, list[VoteRecord]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return groups


def network_bursts(records: Sequence[VoteRecord], t: Thresholds) -> list[Flag]:
    flags = []
    for network, group in sorted(_grouped(records, lambda r: network_of(r.ip)).items()):
        hit = _windows(group, t.window, t.burst_votes)
        if hit:
            flags.append(
                Flag(
                    NETWORK_BURST,
                    network,
                    tuple(sorted(hit)),
                    f"{len(hit)} ballots in windows of {t.window} "
                    f"with at least {t.burst_votes} from {network}",
                )
            )
    return flags


def signup_then_vote(records: Sequence[VoteRecord], t: Thresholds) -> list[Flag]:
    """Many ballots for one nominee from accounts made just before voting. One fresh voter is normal (people
    sign up to vote); a crowd of them for the same nominee in the same window is a pattern."""
    fresh = [r for r in records if r.at - r.account_created < t.fresh_account_age]
    flags = []
    for nominee, group in sorted(_grouped(fresh, lambda r: f"{r.category}/{r.nominee}").items()):
        hit = _windows(group, t.window, t.fresh_votes)
        if hit:
            flags.append(
                Flag(
                    SIGNUP_THEN_VOTE,
                    nominee,
                    tuple(sorted(hit)),
                    f"{len(hit)} ballots from accounts younger "
                    f"than {t.fresh_account_age}, at least {t.fresh_votes} within {t.window}",
                )
            )
    return flags


def shared_user_agents(records: Sequence[VoteRecord], t: Thresholds) -> list[Flag]:
    """One user agent across many accounts voting for one nominee in one window. Popular browsers share
    agent strings, which is why the rule looks at one nominee and one window, not the whole vote."""
    flags = []
    groups = _grouped(records, lambda r: f"{r.category}/{r.nominee}\t{r.user_agent}")
    for key, group in sorted(groups.items()):
        hit = _windows(group, t.window, t.agent_accounts, distinct_accounts=True)
        if hit:
            nominee, agent = key.split("\t", 1)
            flags.append(
                Flag(
                    SHARED_USER_AGENT,
                    nominee,
                    tuple(sorted(hit)),
                    f"{len(hit)} ballots, at least "
                    f"{t.agent_accounts} accounts within {t.window}, user agent {agent[:120]!r}",
                )
            )
    return flags


def vote_curves(records: Sequence[VoteRecord], t: Thresholds) -> list[Flag]:
    """A nominee's votes in one interval against what the rest of the vote predicts.

    For nominee n and interval i: expected = (ballots of n's category in i) x (n's share of its category
    outside i). The leave-one-out share keeps a burst from raising its own expectation. The deviation is a
    Poisson z-score, (observed - expected) / sqrt(max(expected, 1)); an interval is flagged when it holds
    at least ``curve_min_votes`` ballots for n and z >= ``curve_z``."""
    if not records:
        return []
    origin = min(r.at for r in records)
    step = t.curve_interval.total_seconds()

    def interval(r: VoteRecord) -> int:
        return int((r.at - origin).total_seconds() // step)

    cell: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    category_interval: dict[tuple[int, int], int] = defaultdict(int)
    nominee_total: dict[tuple[int, str], int] = defaultdict(int)
    category_total: dict[int, int] = defaultdict(int)
    for r in records:
        i = interval(r)
        cell[(r.category, r.nominee, i)].append(r.vote_id)
        category_interval[(r.category, i)] += 1
        nominee_total[(r.category, r.nominee)] += 1
        category_total[r.category] += 1
    flags = []
    for (category, nominee, i), ids in sorted(cell.items()):
        observed = len(ids)
        if observed < t.curve_min_votes:
            continue
        rest = category_total[category] - category_interval[(category, i)]
        share = (nominee_total[(category, nominee)] - observed) / rest if rest else 0.0
        expected = category_interval[(category, i)] * share
        z = (observed - expected) / math.sqrt(max(expected, 1.0))
        if z >= t.curve_z:
            start = origin + i * t.curve_interval
            flags.append(
                Flag(
                    VOTE_CURVE,
                    f"{category}/{nominee}",
                    tuple(sorted(ids)),
                    f"{observed} ballots in the interval "
                    f"from {start.isoformat()} where the rest of the vote predicts "
                    f"{expected:.1f} (z={z:.1f})",
                )
            )
    return flags


def detect(records: Sequence[VoteRecord], thresholds: Thresholds | None = None) -> list[Flag]:
    """Every rule over the same records; a ballot may carry several flags."""
    t = thresholds or Thresholds()
    return [
        *network_bursts(records, t),
        *signup_then_vote(records, t),
        *shared_user_agents(records, t),
        *vote_curves(records, t),
    ]


def flagged_ids(flags: Iterable[Flag]) -> set[int]:
    return {vote_id for flag in flags for vote_id in flag.vote_ids}
