"""Casting a ballot: one per verified account per category, appended to the hash-chained log in the same
transaction as the vote.

Serialising the chain: each vote locks its cycle's :class:`BallotHead` row (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite the site opens transactions as ``BEGIN IMMEDIATE``, which takes the single write lock
at once). Two ballots can therefore never read the same head, and the log has no gap and no fork. The
unique constraint (cycle, category, voter) refuses a second ballot even if this code is bypassed."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.apps.prizes.domain import ratelimit
from wsis.apps.prizes.domain.errors import AlreadyVoted, NotAllowed, PrizeError
from wsis.apps.prizes.domain.phases import require_open
from wsis.apps.prizes.enums import Phase
from wsis.apps.prizes.models import BallotEntry, BallotHead, Cycle, Nominee, Vote
from wsis.engine.prizes import ballot_log
from wsis.engine.prizes.anomalies import network_of


def voter_id(cycle: Cycle, user) -> str:
    return ballot_log.anonymise(user.pk, cycle.ballot_secret.encode())


def cast_vote(
    *,
    cycle: Cycle,
    user,
    nominee: Nominee,
    ip: str,
    user_agent: str = "",
    now: dt.datetime | None = None,
    limits: bool = True,
    whole_ballot: bool = False,
) -> Vote:
    now = now or timezone.now()
    require_open(cycle, Phase.VOTING, now)
    if not (user.is_authenticated and user.is_active):
        raise NotAllowed(_("Only verified accounts can vote: confirm your e-mail address first."))
    if nominee.cycle_id != cycle.pk:
        raise PrizeError(_("This nominee is not in the %(year)s cycle.") % {"year": cycle.year})
    if cycle.full_ballot and not whole_ballot:
        raise PrizeError(_("This cycle's ballot must cover every category at once."))
    category = nominee.category
    if Vote.objects.filter(cycle=cycle, category=category, voter=user).exists():
        raise AlreadyVoted(_("You have already voted in category %(n)s.") % {"n": category})
    if limits:
        ratelimit.hit(
            [
                (f"account:{cycle.year}:{user.pk}", cycle.rate_account),
                (f"address:{cycle.year}:{ip}", cycle.rate_ip),
                (f"network:{cycle.year}:{network_of(ip)}", cycle.rate_network),
            ],
            now.timestamp(),
        )
    try:
        with transaction.atomic():
            head = BallotHead.objects.select_for_update().get(cycle=cycle)
            entry = ballot_log.next_entry(
                prev_seq=head.seq,
                prev_hash=head.hash,
                cycle=cycle.year,
                category=category,
                nominee=nominee.public_id,
                voter=voter_id(cycle, user),
                at=now,
            )
            vote = Vote.objects.create(
                cycle=cycle,
                category=category,
                nominee=nominee,
                voter=user,
                seq=entry.seq,
                at=now,
                ip=ip,
                user_agent=user_agent[:500],
                account_created=user.date_joined,
            )
            BallotEntry.objects.create(
                cycle=cycle, **{k: v for k, v in entry.body().items() if k != "cycle"}, hash=entry.hash
            )
            BallotHead.objects.filter(pk=head.pk).update(seq=entry.seq, hash=entry.hash)
    except IntegrityError:
        # A concurrent ballot of the same voter in the same category won the race; nothing of ours was kept.
        if Vote.objects.filter(cycle=cycle, category=category, voter=user).exists():
            raise AlreadyVoted(_("You have already voted in category %(n)s.") % {"n": category}) from None
        raise
    return vote


def cast_ballot(
    *,
    cycle: Cycle,
    user,
    nominees: list[Nominee],
    ip: str,
    user_agent: str = "",
    now: dt.datetime | None = None,
) -> list[Vote]:
    """Several categories at once, all or none. A cycle with ``full_ballot`` accepts only a ballot that
    names one nominee in every category that has nominees."""
    categories = [n.category for n in nominees]
    if len(set(categories)) != len(categories):
        raise PrizeError(_("A ballot names at most one nominee per category."))
    if cycle.full_ballot:
        needed = set(Nominee.objects.filter(cycle=cycle).values_list("category", flat=True))
        missing = sorted(needed - set(categories))
        if missing:
            raise PrizeError(
                _("This cycle's ballot must cover every category; missing: %(list)s.")
                % {"list": ", ".join(str(c) for c in missing)}
            )
    with transaction.atomic():
        return [
            cast_vote(
                cycle=cycle, user=user, nominee=n, ip=ip, user_agent=user_agent, now=now, whole_ballot=True
            )
            for n in nominees
        ]
