"""From ballots to results: anomaly flags for moderators (never deletions), the tally with champions,
the expert choice of winners, the public results, ballot log API and success stories."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from django.utils import timezone

from tests.prizes.cast import contest, in_phase
from tests.registry.factories import user
from wsis.apps.accounts.domain.staff import make_moderator
from wsis.apps.prizes.domain.errors import NotAllowed
from wsis.apps.prizes.domain.phases import is_open
from wsis.apps.prizes.domain.tally import published, review_flag, run_anomaly_rules, select_winner
from wsis.apps.prizes.domain.voting import cast_vote
from wsis.apps.prizes.models import BallotEntry, Cycle, Vote
from wsis.cli import main
from wsis.engine.prizes.anomalies import NETWORK_BURST, SIGNUP_THEN_VOTE


@pytest.fixture
def race(db):
    return contest(categories=(1, 2), per_category=6, champions=3)


def ordinary_votes(race, count: int) -> None:
    """Old accounts, distinct networks, spread over the last 20 hours, across nominees."""
    start = timezone.now() - dt.timedelta(hours=20)
    for i in range(count):
        voter = user(f"regular{i}")
        voter.date_joined = start - dt.timedelta(days=100)
        voter.save()
        category = 1 + i % 2
        nominee = race.nominees[category][(i * 7) % 6 if i % 5 else 0]
        cast_vote(
            cycle=race.cycle,
            user=voter,
            nominee=nominee,
            ip=f"10.{i}.{i % 7}.5",
            user_agent=f"Browser/{i % 4}",
            now=start + dt.timedelta(minutes=15 * i),
        )


def attack_votes(race, count: int) -> set[int]:
    """One /24, fresh accounts, ten minutes, one nominee, one script."""
    start = timezone.now() - dt.timedelta(hours=2)
    target = race.nominees[2][5]
    seqs = set()
    for k in range(count):
        at = start + dt.timedelta(seconds=600 * k / count)
        bot = user(f"bot{k}")
        bot.date_joined = at - dt.timedelta(minutes=2)
        bot.save()
        seqs.add(
            cast_vote(
                cycle=race.cycle,
                user=bot,
                nominee=target,
                ip=f"203.0.113.{k % 200 + 1}",
                user_agent="vote-script/2.1",
                now=at,
                limits=False,
            ).seq
        )
    return seqs


def test_an_attack_is_flagged_not_deleted_and_moderators_decide(race) -> None:
    race.cycle.anomaly_thresholds = {"burst_votes": 100, "fresh_votes": 50, "agent_accounts": 50}
    race.cycle.save()
    ordinary_votes(race, 60)
    attack = attack_votes(race, 180)
    flags = run_anomaly_rules(race.cycle)
    flagged = {seq for f in flags for seq in f.seqs}
    assert flagged == attack
    assert {NETWORK_BURST, SIGNUP_THEN_VOTE} <= {f.rule for f in flags}
    assert BallotEntry.objects.filter(cycle=race.cycle).count() == 240  # nothing deleted
    before = published(race.cycle)["tally"]["counts"]["2"][str(race.nominees[2][5].pk)]
    assert before >= 180  # flagged ballots count until a moderator decides
    moderator = user("mod")
    burst = next(f for f in flags if f.rule == NETWORK_BURST)
    review_flag(flag=burst, status="confirmed", actor=moderator, reason="scripted burst from one network")
    data = published(race.cycle)
    assert data["tally"]["counts"]["2"].get(str(race.nominees[2][5].pk), 0) == before - 180
    assert data["tally"]["excluded"]["2"][str(race.nominees[2][5].pk)] == 180
    assert sorted(next(f for f in data["flags"] if f["rule"] == NETWORK_BURST)["seqs"]) == sorted(attack)
    assert data["method"]["document"] == "docs/prizes-voting-method.md"
    # A second run keeps the moderator's decision.
    run_anomaly_rules(race.cycle)
    burst.refresh_from_db()
    assert burst.status == "confirmed"


def test_tally_champions_winners_and_public_pages(race, client) -> None:
    ordinary_votes(race, 40)
    runner = CliRunner()
    assert (
        runner.invoke(main, ["prizes", "close", "2026", "voting", "--reason", "end of the vote"]).exit_code
        == 0
    )
    result = runner.invoke(main, ["prizes", "tally", "2026"])
    assert result.exit_code == 0 and "40 ballots" in result.output
    counts = {n.pk: Vote.objects.filter(nominee=n).count() for g in race.nominees.values() for n in g}
    for group in race.nominees.values():
        for n in group:
            n.refresh_from_db()
            assert n.votes == counts[n.pk]
        champions = [n for n in group if n.is_champion]
        least = min(n.votes for n in champions)
        assert len(champions) >= 3 and all(n.votes <= least for n in group if not n.is_champion)
    in_phase(race.cycle, "selection")
    loser = next(n for n in race.nominees[1] if not n.is_champion)
    with pytest.raises(NotAllowed, match="Only a champion"):
        select_winner(nominee=loser, actor=None)
    champion = next(n for n in race.nominees[1] if n.is_champion)
    select_winner(nominee=champion, actor=None, reason="strongest evidence of impact")
    moderator = user("mod")
    make_moderator(user=moderator)
    client.force_login(moderator)
    other = next(n for n in race.nominees[2] if n.is_champion)
    client.post(
        "/en/prizes/2026/moderate/", {"action": "winner", "nominee": other.pk, "reason": "panel vote"}
    )
    other.refresh_from_db()
    assert other.is_winner
    in_phase(race.cycle, "results")
    api = client.get("/api/v1/prizes/cycles/2026/results").json()
    assert api["winners"] == {"1": str(champion.pk), "2": str(other.pk)}
    log = client.get("/api/v1/prizes/cycles/2026/ballots?limit=25").json()
    assert log["head"]["entries"] == 40 and len(log["entries"]) == 25
    assert client.get("/api/v1/prizes/cycles/2026/ballots?after=25").json()["entries"][0]["seq"] == 26
    page = client.get("/fr/prizes/2026/results/")
    assert page.status_code == 200 and "Project 1-" in page.content.decode()
    stories = client.get("/en/prizes/2026/stories/").content.decode()
    assert champion.submission.initiative.display_title in stories


def test_results_and_log_entries_wait_for_the_end_of_the_vote(race, client) -> None:
    ordinary_votes(race, 3)
    assert client.get("/api/v1/prizes/cycles/2026/results").status_code == 403
    log = client.get("/api/v1/prizes/cycles/2026/ballots").json()
    assert log["head"]["entries"] == 3 and log["entries"] == []
    assert (
        "published when the public vote has closed" in client.get("/en/prizes/2026/results/").content.decode()
    )


def test_moderators_extend_a_phase_with_a_reason(race, client) -> None:
    moderator = user("mod")
    make_moderator(user=moderator)
    client.force_login(user("nobody"))
    assert client.get("/en/prizes/2026/moderate/").status_code == 403
    client.force_login(moderator)
    new_end = (race.cycle.voting_closes + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    client.post(
        "/en/prizes/2026/moderate/",
        {"action": "move", "phase": "voting", "edge": "closes", "when": new_end, "reason": ""},
    )
    race.cycle.refresh_from_db()
    assert race.cycle.phase_changes.count() == 0  # refused: no reason
    client.post(
        "/en/prizes/2026/moderate/",
        {
            "action": "move",
            "phase": "voting",
            "edge": "closes",
            "when": new_end,
            "reason": "Outage on the first day",
        },
    )
    race.cycle.refresh_from_db()
    assert race.cycle.voting_closes.strftime("%Y-%m-%d %H:%M") == new_end
    assert "Outage on the first day" in client.get("/en/prizes/2026/").content.decode()


def test_the_command_line_creates_and_opens_a_cycle(db) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["prizes", "create", "2031"]).exit_code == 0
    again = runner.invoke(main, ["prizes", "create", "2031"])
    assert again.exit_code == 1 and "already exists" in again.output
    opened = runner.invoke(
        main, ["prizes", "open", "2031", "voting", "--until", "2031-12-31", "--reason", "pilot"]
    )
    assert opened.exit_code == 0, opened.output
    cycle = Cycle.objects.get(year=2031)
    assert is_open(cycle, "voting") and cycle.voting_closes.year == 2031
    assert cycle.phase_changes.filter(phase="voting", reason="pilot").count() == 2
    missing = runner.invoke(main, ["prizes", "tally", "1999"])
    assert missing.exit_code == 2 and "no prize cycle 1999" in missing.output
