"""Partnerships: registry initiatives say what partner they seek and what they offer (funding, expertise,
country presence); a workspace matches the needs and offers of initiatives within its line."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from wsis.apps.reference.models import Economy
from wsis.apps.registry.models import Initiative
from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.issues import line_and_sub_lines
from wsis.apps.workspaces.enums import Direction, PartnerKind
from wsis.apps.workspaces.models import PartnerSignal, Workspace


def declare(
    *, initiative: Initiative, direction: str, kind: str, country: str = "", detail: str = "", by
) -> PartnerSignal:
    if direction not in Direction.values:
        raise WorkspaceError(f"direction: {direction!r} is not one of {', '.join(Direction.values)}")
    if kind not in PartnerKind.values:
        raise WorkspaceError(f"kind: {kind!r} is not one of {', '.join(PartnerKind.values)}")
    economy = None
    if country.strip():
        economy = Economy.objects.filter(iso3=country.strip().upper()).first()
        if economy is None:
            raise WorkspaceError(f"country: no economy {country.strip()!r} (ISO alpha-3, e.g. KEN)")
    if len(detail) > 300:
        raise WorkspaceError(f"detail: {len(detail)} characters; the limit is 300")
    # Checked here too: the unique constraint does not see two rows without a country as the same.
    if PartnerSignal.objects.filter(
        initiative=initiative, direction=direction, kind=kind, country=economy
    ).exists():
        raise WorkspaceError(f"initiative {initiative.pk}: already {direction} {kind} there")
    try:
        with transaction.atomic():
            return PartnerSignal.objects.create(
                initiative=initiative,
                direction=direction,
                kind=kind,
                country=economy,
                detail=detail.strip(),
                created_by=by,
            )
    except IntegrityError:
        raise WorkspaceError(f"initiative {initiative.pk}: already {direction} {kind} there") from None


@dataclass(frozen=True)
class Match:
    need: PartnerSignal
    offer: PartnerSignal


def signals(*, workspace: Workspace):
    ids = Initiative.objects.filter(state="published", action_lines__in=line_and_sub_lines(workspace)).values(
        "pk"
    )
    return PartnerSignal.objects.filter(initiative__in=ids).select_related("initiative", "country")


def matches(*, workspace: Workspace) -> list[Match]:
    """Each need met by an offer of the same kind from another initiative of the line; country presence
    (and any signal naming a country) matches only in the same country, when both name one."""
    rows = list(signals(workspace=workspace))
    needs = [s for s in rows if s.direction == Direction.SEEKS]
    offers = [s for s in rows if s.direction == Direction.OFFERS]
    out = []
    for need in needs:
        for offer in offers:
            if offer.kind != need.kind or offer.initiative_id == need.initiative_id:
                continue
            if need.country_id and offer.country_id and need.country_id != offer.country_id:
                continue
            if need.kind == PartnerKind.COUNTRY_PRESENCE and need.country_id != offer.country_id:
                continue
            out.append(Match(need=need, offer=offer))
    return out
