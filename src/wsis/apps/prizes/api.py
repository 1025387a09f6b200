"""REST API of the prizes: results and the anonymised ballot log are open to all; voting takes a personal
token (``Authorization: Bearer``) and the same challenge and rules as the voting page."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from wsis.apps.accounts.domain.tokens import user_for_token
from wsis.apps.prizes.domain import challenge as challenges
from wsis.apps.prizes.domain.errors import PrizeError
from wsis.apps.prizes.domain.phases import current_phases, is_open
from wsis.apps.prizes.domain.tally import entries, published
from wsis.apps.prizes.domain.voting import cast_vote
from wsis.apps.prizes.enums import Phase
from wsis.apps.prizes.models import BallotHead, Cycle, Nominee

router = Router(tags=["prizes"])

STATUS = {"already_voted": 409, "rate_limited": 429, "phase_closed": 403, "not_allowed": 403}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token=token)
        if user is not None:
            request.user = user
        return user


class VoteIn(Schema):
    nominee: int
    challenge: str
    nonce: str


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR: behind a reverse proxy, the proxy must set it from the client (e.g. gunicorn's
    --forwarded-allow-ips with the proxy's X-Forwarded-For), never trusted from the request itself."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a value, not a bind address


@router.get("/cycles", summary="Prize cycles and their open phases")
def cycles(request: HttpRequest):
    return [{"year": c.year, "open_phases": current_phases(c)} for c in Cycle.objects.all()]


@router.get("/cycles/{year}/nominees", summary="Nominees per category")
def nominees(request: HttpRequest, year: int):
    cycle = get_object_or_404(Cycle, year=year)
    rows = Nominee.objects.filter(cycle=cycle).select_related("submission__initiative")
    return [
        {
            "id": n.pk,
            "category": n.category,
            "rank": n.rank,
            "title": n.submission.initiative.display_title,
            "initiative": n.submission.initiative.ref,
        }
        for n in rows
    ]


@router.get("/cycles/{year}/results", summary="The tally with champions, winners, method and flags")
def results(request: HttpRequest, year: int):
    cycle = get_object_or_404(Cycle, year=year)
    if is_open(cycle, Phase.VOTING) or cycle.opens(Phase.VOTING) > _now():
        raise HttpError(403, "results are published when the vote has closed")
    data = published(cycle)
    data["winners"] = {
        str(n.category): n.public_id for n in Nominee.objects.filter(cycle=cycle, is_winner=True)
    }
    return data


@router.get("/cycles/{year}/ballots", summary="The anonymised, hash-chained ballot log")
def ballots(request: HttpRequest, year: int, after: int = 0, limit: int = 1000):
    """The head (entry count and last hash) is published at all times, as a commitment; the entries once
    the vote has closed (during the vote they would show a running count)."""
    cycle = get_object_or_404(Cycle, year=year)
    head = BallotHead.objects.get(cycle=cycle)
    data: dict[str, object] = {"cycle": year, "head": {"entries": head.seq, "hash": head.hash}}
    if is_open(cycle, Phase.VOTING) or cycle.opens(Phase.VOTING) > _now():
        data["entries"] = []
        return data
    limit = max(1, min(limit, 10_000))
    data["entries"] = [
        {
            "seq": e.seq,
            "prev_hash": e.prev_hash,
            "cycle": e.cycle,
            "category": e.category,
            "nominee": e.nominee,
            "voter": e.voter,
            "at": e.at,
            "hash": e.hash,
        }
        for e in entries(cycle, after=after, limit=limit)
    ]
    return data


@router.get("/cycles/{year}/challenge", auth=TokenAuth(), summary="A proof-of-work challenge for voting")
def challenge(request: HttpRequest, year: int):
    cycle = get_object_or_404(Cycle, year=year)
    return {"challenge": challenges.issue(cycle=cycle, user=request.user), "bits": cycle.pow_bits}


@router.post("/cycles/{year}/votes", auth=TokenAuth(), response={201: dict}, summary="Cast a ballot")
def vote(request: HttpRequest, year: int, payload: VoteIn):
    nominee = get_object_or_404(Nominee.objects.select_related("cycle"), pk=payload.nominee, cycle__year=year)
    cycle = nominee.cycle
    try:
        challenges.check(
            cycle=cycle,
            user=request.user,
            category=nominee.category,
            challenge=payload.challenge,
            nonce=payload.nonce,
        )
        ballot = cast_vote(
            cycle=cycle,
            user=request.user,
            nominee=nominee,
            ip=client_address(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except PrizeError as exc:
        raise HttpError(STATUS.get(exc.code, 400), str(exc)) from None
    return 201, {"seq": ballot.seq, "category": ballot.category}


def _now():
    return timezone.now()
