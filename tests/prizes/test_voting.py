"""The public vote: one ballot per verified account per category (enforced by the database), the ballot
log in the same transaction, the challenge step, rate limits and full ballots."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

import pytest
from click.testing import CliRunner
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.prizes.cast import contest
from tests.registry.factories import user
from wsis.apps.prizes.domain import challenge as challenges
from wsis.apps.prizes.domain.errors import AlreadyVoted, ChallengeFailed, NotAllowed, PrizeError, RateLimited
from wsis.apps.prizes.domain.tally import entries, verify_cycle
from wsis.apps.prizes.domain.voting import cast_ballot, cast_vote, voter_id
from wsis.apps.prizes.models import BallotEntry, BallotHead, Vote
from wsis.cli import main
from wsis.engine.prizes.challenge import solve

IP = "198.51.100.20"


@pytest.fixture
def race(db):
    return contest()


def test_one_vote_per_category(race) -> None:
    voter = user("voter")
    first, other_in_1, in_2 = race.nominees[1][0], race.nominees[1][1], race.nominees[2][0]
    cast_vote(cycle=race.cycle, user=voter, nominee=first, ip=IP)
    with pytest.raises(AlreadyVoted, match="already voted in category 1"):
        cast_vote(cycle=race.cycle, user=voter, nominee=other_in_1, ip=IP)
    assert cast_vote(cycle=race.cycle, user=voter, nominee=in_2, ip=IP).seq == 2
    assert Vote.objects.filter(voter=voter).count() == 2
    assert BallotHead.objects.get(cycle=race.cycle).seq == 2


def test_the_database_refuses_a_second_vote_even_when_the_code_is_bypassed(race) -> None:
    voter = user("voter")
    vote = cast_vote(cycle=race.cycle, user=voter, nominee=race.nominees[1][0], ip=IP)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            cycle=race.cycle,
            category=1,
            nominee=race.nominees[1][1],
            voter=voter,
            seq=99,
            at=vote.at,
            ip=IP,
            account_created=voter.date_joined,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.bulk_create(
            [
                Vote(
                    cycle=race.cycle,
                    category=1,
                    nominee=race.nominees[1][2],
                    voter=voter,
                    seq=100,
                    at=vote.at,
                    ip=IP,
                    account_created=voter.date_joined,
                )
            ]
        )
    assert Vote.objects.filter(voter=voter).count() == 1


def test_only_verified_accounts_vote(race) -> None:
    unverified = user("new", is_active=False)
    with pytest.raises(NotAllowed, match="verified accounts"):
        cast_vote(cycle=race.cycle, user=unverified, nominee=race.nominees[1][0], ip=IP)


def test_ballots_form_a_chain_with_anonymous_voters(race) -> None:
    voters = [user(f"v{i}") for i in range(5)]
    for i, voter in enumerate(voters):
        cast_vote(cycle=race.cycle, user=voter, nominee=race.nominees[1][i % 3], ip=IP)
    rows = list(BallotEntry.objects.filter(cycle=race.cycle).order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    # The public id is an HMAC keyed with the cycle's secret, not a digest anyone could compute from the id.
    assert rows[0].voter == voter_id(race.cycle, voters[0])
    assert rows[0].voter != hashlib.sha256(str(voters[0].pk).encode()).hexdigest()
    assert len({r.voter for r in rows}) == 5
    assert verify_cycle(race.cycle).ok


def test_tampering_with_one_row_is_detected_by_the_verify_command(race) -> None:
    for i in range(6):
        cast_vote(cycle=race.cycle, user=user(f"v{i}"), nominee=race.nominees[1][0], ip=IP)
    runner = CliRunner()
    ok = runner.invoke(main, ["prizes", "verify", "2026"])
    assert ok.exit_code == 0 and "6 entries, chain intact" in ok.output
    BallotEntry.objects.filter(cycle=race.cycle, seq=4).update(nominee=str(race.nominees[1][1].pk))
    broken = runner.invoke(main, ["prizes", "verify", "2026"])
    assert broken.exit_code == 1 and "BROKEN at entry 4" in broken.output
    BallotEntry.objects.filter(cycle=race.cycle, seq=4).update(nominee=str(race.nominees[1][0].pk))
    assert runner.invoke(main, ["prizes", "verify", "2026"]).exit_code == 0
    BallotEntry.objects.filter(cycle=race.cycle, seq=6).delete()  # the last row: only the head shows it
    cut = runner.invoke(main, ["prizes", "verify", "2026"])
    assert cut.exit_code == 1 and "published head has 6 entries" in cut.output


def test_a_published_log_file_is_verified_offline(race, tmp_path) -> None:
    for i in range(3):
        cast_vote(cycle=race.cycle, user=user(f"v{i}"), nominee=race.nominees[2][i], ip=IP)

    rows = [dataclasses.asdict(e) for e in entries(race.cycle)]
    path = tmp_path / "log.json"
    path.write_text(json.dumps(rows))
    assert CliRunner().invoke(main, ["prizes", "verify", "2026", "--file", str(path)]).exit_code == 0
    rows[1]["nominee"] = rows[0]["nominee"]
    path.write_text(json.dumps(rows))
    result = CliRunner().invoke(main, ["prizes", "verify", "2026", "--file", str(path)])
    assert result.exit_code == 1 and "entry 2" in result.output


def test_the_challenge_binds_voter_and_category(race) -> None:
    voter, other = user("voter"), user("other")
    token = challenges.issue(cycle=race.cycle, user=voter)
    nonce = str(solve(token, 1, race.cycle.pow_bits))
    challenges.check(cycle=race.cycle, user=voter, category=1, challenge=token, nonce=nonce)
    with pytest.raises(ChallengeFailed, match="another voter"):
        challenges.check(cycle=race.cycle, user=other, category=1, challenge=token, nonce=nonce)
    race.cycle.pow_bits = 20  # a nonce found for 4 bits almost never has 20
    with pytest.raises(ChallengeFailed, match="proof of work"):
        challenges.check(cycle=race.cycle, user=voter, category=1, challenge=token, nonce="x")
    with pytest.raises(ChallengeFailed, match="not valid"):
        challenges.check(cycle=race.cycle, user=voter, category=1, challenge=token + "0", nonce=nonce)


def test_rate_limits_per_account_address_and_network(race) -> None:
    race.cycle.rate_account, race.cycle.rate_ip, race.cycle.rate_network = 1, 3, 4
    race.cycle.save()
    n1, n2 = race.nominees[1][0], race.nominees[2][0]
    fast = user("fast")
    cast_vote(cycle=race.cycle, user=fast, nominee=n1, ip="203.0.113.1")
    with pytest.raises(RateLimited, match="your account"):  # every limit counts the attempt
        cast_vote(cycle=race.cycle, user=fast, nominee=n2, ip="203.0.113.1")
    cast_vote(cycle=race.cycle, user=user("same1"), nominee=n1, ip="203.0.113.1")
    with pytest.raises(RateLimited, match="your IP address"):
        cast_vote(cycle=race.cycle, user=user("same2"), nominee=n1, ip="203.0.113.1")
    with pytest.raises(RateLimited, match="your network"):
        cast_vote(cycle=race.cycle, user=user("neighbour1"), nominee=n1, ip="203.0.113.9")
    cast_vote(cycle=race.cycle, user=user("elsewhere"), nominee=n1, ip="203.0.114.10")
    later = timezone.now() + dt.timedelta(minutes=1)  # a new one-minute window
    cast_vote(cycle=race.cycle, user=user("neighbour2"), nominee=n1, ip="203.0.113.10", now=later)
    assert Vote.objects.filter(cycle=race.cycle).count() == 4


def test_full_ballot_setting(race) -> None:
    race.cycle.full_ballot = True
    race.cycle.save()
    voter = user("voter")
    with pytest.raises(PrizeError, match="every category at once"):
        cast_vote(cycle=race.cycle, user=voter, nominee=race.nominees[1][0], ip=IP)
    with pytest.raises(PrizeError, match="missing: 2"):
        cast_ballot(cycle=race.cycle, user=voter, nominees=[race.nominees[1][0]], ip=IP)
    votes = cast_ballot(
        cycle=race.cycle, user=voter, nominees=[race.nominees[1][0], race.nominees[2][1]], ip=IP
    )
    assert [v.seq for v in votes] == [1, 2]


def test_voting_closes_with_its_phase(race) -> None:
    race.cycle.voting_closes = timezone.now() - dt.timedelta(minutes=1)
    race.cycle.save()
    with pytest.raises(PrizeError, match="Public voting phase of the 2026 cycle is not open"):
        cast_vote(cycle=race.cycle, user=user("late"), nominee=race.nominees[1][0], ip=IP)


def test_the_voting_page_with_proof_of_work_and_the_e_mail_fallback(race, client) -> None:
    voter = user("voter")
    client.force_login(voter)
    page = client.get("/en/prizes/2026/vote/")
    token = page.context["challenge"]
    nominee = race.nominees[1][0]
    nonce = solve(token, 1, race.cycle.pow_bits)
    client.post("/en/prizes/2026/vote/", {"nominee": nominee.pk, "challenge": token, "nonce": nonce})
    assert Vote.objects.filter(voter=voter, category=1).count() == 1
    again = client.post(
        "/en/prizes/2026/vote/",
        {
            "nominee": race.nominees[1][1].pk,
            "challenge": token,
            "nonce": solve(token, 1, race.cycle.pow_bits),
        },
        follow=True,
    )
    assert "already voted in category 1" in again.content.decode()
    # Without JavaScript: no nonce, so a one-time link is e-mailed; opening it asks for confirmation.
    unsolved = client.post(
        "/en/prizes/2026/vote/", {"nominee": race.nominees[2][2].pk, "challenge": token}, follow=True
    )
    assert "did not finish the voting puzzle" in unsolved.content.decode() and not mail.outbox
    client.post("/en/prizes/2026/vote/", {"nominee": race.nominees[2][2].pk, "challenge": token, "nojs": "1"})
    assert Vote.objects.filter(voter=voter, category=2).count() == 0
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/vote/link/" in line)
    path = link[link.index("/en/") :]
    client.logout()
    assert b"Confirm my vote" in client.get(path).content
    client.post(path)
    assert Vote.objects.get(voter=voter, category=2).nominee == race.nominees[2][2]
    second = client.post(path, follow=True)
    assert "already voted in category 2" in second.content.decode()
