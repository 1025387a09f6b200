"""Anomaly rules on hand-made cases, then a simulated vote-automation attack inside ordinary traffic."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from wsis.engine.prizes.anomalies import (
    NETWORK_BURST,
    SHARED_USER_AGENT,
    SIGNUP_THEN_VOTE,
    VOTE_CURVE,
    Thresholds,
    VoteRecord,
    detect,
    flagged_ids,
    network_bursts,
    network_of,
    shared_user_agents,
    signup_then_vote,
    vote_curves,
)

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
OLD = T0 - timedelta(days=200)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SMALL = Thresholds(
    window=timedelta(minutes=10),
    burst_votes=3,
    fresh_votes=3,
    agent_accounts=3,
    curve_min_votes=3,
    curve_z=2.0,
)


def vote(
    i: int,
    minutes: float,
    *,
    ip: str = "198.51.100.7",
    account: int | None = None,
    created=OLD,
    nominee: str = "n1",
    category: int = 1,
    agent: str = FIREFOX,
) -> VoteRecord:
    return VoteRecord(i, T0 + timedelta(minutes=minutes), category, nominee, account or i, created, ip, agent)


def test_networks_are_slash_24_and_slash_48() -> None:
    assert network_of("203.0.113.77") == "203.0.113.0/24"
    assert network_of("2001:db8:abcd:12::1") == "2001:db8:abcd::/48"


def test_network_burst_needs_enough_ballots_inside_one_window() -> None:
    spread = [vote(i, i * 6, ip=f"203.0.113.{i}") for i in range(1, 4)]  # 3 ballots over 12 minutes
    assert network_bursts(spread, SMALL) == []
    burst = [vote(i, i, ip=f"203.0.113.{i}") for i in range(1, 4)] + [vote(9, 1, ip="203.0.114.1")]
    [flag] = network_bursts(burst, SMALL)
    assert flag.rule == NETWORK_BURST and flag.key == "203.0.113.0/24" and flag.vote_ids == (1, 2, 3)
    v6 = [vote(i, i, ip=f"2001:db8:1:{i}::5") for i in range(1, 4)]
    assert network_bursts(v6, SMALL)[0].key == "2001:db8:1::/48"


def test_signup_then_vote_looks_at_account_age_at_the_time_of_the_vote() -> None:
    fresh = [vote(i, i, ip=f"192.0.{i}.1", created=T0) for i in range(1, 4)]  # made minutes before voting
    assert [f.vote_ids for f in signup_then_vote(fresh, SMALL)] == [(1, 2, 3)]
    two_fresh = fresh[:2] + [vote(3, 3, ip="192.0.3.1")]
    assert signup_then_vote(two_fresh, SMALL) == []
    other_nominees = [vote(i, i, ip=f"192.0.{i}.1", created=T0, nominee=f"n{i}") for i in range(1, 4)]
    assert signup_then_vote(other_nominees, SMALL) == []


def test_shared_user_agent_counts_distinct_accounts() -> None:
    same_account = [vote(i, i, ip=f"192.0.{i}.1", account=5, agent="bot/1.0") for i in range(1, 5)]
    assert shared_user_agents(same_account, SMALL) == []
    many = [vote(i, i, ip=f"192.0.{i}.1", agent="bot/1.0") for i in range(1, 4)]
    [flag] = shared_user_agents(many, SMALL)
    assert flag.rule == SHARED_USER_AGENT and "bot/1.0" in flag.detail


def test_vote_curve_flags_an_interval_far_above_the_rest_of_the_vote() -> None:
    # Two nominees share the category evenly for an hour, then n2 gets 15 ballots in one interval.
    steady = [vote(i, i * 5, nominee="n1" if i % 2 else "n2", ip=f"10.{i}.0.1") for i in range(1, 13)]
    assert vote_curves(steady, SMALL) == []
    spike = steady + [vote(100 + i, 61 + i * 0.2, nominee="n2", ip=f"10.9.{i}.1") for i in range(15)]
    flags = vote_curves(spike, SMALL)
    assert [f.rule for f in flags] == [VOTE_CURVE] and flags[0].key == "1/n2"
    assert set(range(100, 115)) <= set(flags[0].vote_ids)


def test_simulated_attack_is_flagged_and_ordinary_traffic_is_not() -> None:
    rng = random.Random(20260310)
    agents = [f"Mozilla/5.0 browser-{k}" for k in range(12)]
    nominees = {c: [f"c{c}n{k}" for k in range(8)] for c in range(1, 19)}
    records: list[VoteRecord] = []
    # Ordinary traffic: 6,000 ballots over three days from 3,000 accounts in many networks; one in ten
    # accounts was created shortly before its owner voted.
    for i in range(6000):
        account = rng.randrange(3000)
        at = rng.uniform(0, 3 * 24 * 60)
        created = T0 + timedelta(minutes=at - rng.uniform(5, 50)) if account % 10 == 0 else OLD
        ip = f"{rng.randrange(1, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        category = rng.randrange(1, 19)
        records.append(
            vote(
                i,
                at,
                ip=ip,
                account=10_000 + account,
                created=created,
                category=category,
                nominee=rng.choice(nominees[category]),
                agent=rng.choice(agents),
            )
        )
    ordinary = {r.vote_id for r in records}
    # The attack: one /24 casts 2,000 ballots in ten minutes from 2,000 accounts made minutes before, all for
    # one nominee, rotating five user agents as public voting scripts do.
    attack_start = 36 * 60.0
    attack = set()
    for k in range(2000):
        at = attack_start + k * 0.3 / 60  # one ballot every 0.3 s: 2,000 in ten minutes
        i = 100_000 + k
        attack.add(i)
        records.append(
            vote(
                i,
                at,
                ip=f"203.0.113.{k % 250 + 1}",
                account=50_000 + k,
                created=T0 + timedelta(minutes=at - 3),
                category=7,
                nominee="c7n3",
                agent=f"voter-script/{k % 5}",
            )
        )
    flags = detect(records)
    flagged = flagged_ids(flags)
    assert attack <= flagged
    assert not (flagged & ordinary)
    rules = {f.rule for f in flags}
    assert rules == {NETWORK_BURST, SIGNUP_THEN_VOTE, SHARED_USER_AGENT, VOTE_CURVE}
