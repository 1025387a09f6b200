"""Read-only JSON API of the reference knowledge (django-ninja, documented at /api/v1/docs)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from wsis.apps.reference.models import ActionLine, Economy, Group, Membership, SdgTarget

router = Router(tags=["reference"])


class LinkOut(Schema):
    line: str
    target: str
    rationale: str
    #: The rationale in the other UN languages (the project's own translations, pending review).
    rationale_translations: dict[str, str]
    facilitator: str
    version: str


class ActionLineOut(Schema):
    code: str
    names: dict[str, str]
    prize_category: int | None
    parent: str | None
    lead_facilitators: list[str]
    co_facilitators: list[str]
    verified: bool
    source: str


class ActionLineDetail(ActionLineOut):
    sdg_links: list[LinkOut]


class TargetOut(Schema):
    code: str
    goal: str
    names: dict[str, str]
    lines: list[LinkOut]


class MembershipOut(Schema):
    group: str
    economy: str
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    note: str


class EconomyOut(Schema):
    iso3: str
    iso2: str
    m49: str
    names: dict[str, str]
    region: str | None
    subregion: str | None
    intermediate_region: str | None


class EconomyDetail(EconomyOut):
    groups: list[MembershipOut]


class MembersOut(Schema):
    group: str
    names: dict[str, str]
    on: dt.date
    members: list[str]


def _line(line: ActionLine) -> dict:
    return {
        "code": line.code,
        "names": line.names,
        "prize_category": line.prize_category,
        "parent": line.parent_id,
        "lead_facilitators": line.lead_facilitators,
        "co_facilitators": line.co_facilitators,
        "verified": line.verified,
        "source": line.source,
    }


def _link(link) -> dict:
    return {
        "line": link.line_id,
        "target": link.target_id,
        "rationale": link.rationale,
        "rationale_translations": link.rationale_translations,
        "facilitator": link.facilitator,
        "version": link.version.version,
    }


def _economy(e: Economy) -> dict:
    return {
        "iso3": e.iso3,
        "iso2": e.iso2,
        "m49": e.m49,
        "names": e.names,
        "region": e.region_id,
        "subregion": e.subregion_id,
        "intermediate_region": e.intermediate_region_id,
    }


def _membership(m: Membership) -> dict:
    return {
        "group": m.group_id,
        "economy": m.economy_id,
        "valid_from": m.valid_from,
        "valid_to": m.valid_to,
        "source": m.source,
        "note": m.note,
    }


@router.get("/action-lines", response=list[ActionLineOut])
def list_action_lines(request):
    return [_line(line) for line in ActionLine.objects.all()]


@router.get("/action-lines/{code}", response=ActionLineDetail)
def get_action_line(request, code: str):
    line = get_object_or_404(ActionLine, code=code)
    links = line.sdg_links.select_related("version")
    return {**_line(line), "sdg_links": [_link(lk) for lk in links]}


@router.get("/sdg-targets/{code}", response=TargetOut)
def get_target(request, code: str):
    target = get_object_or_404(SdgTarget, code=code)
    links = target.line_links.select_related("version")
    return {
        "code": target.code,
        "goal": target.goal_id,
        "names": target.names,
        "lines": [_link(lk) for lk in links],
    }


@router.get("/economies", response=list[EconomyOut])
def list_economies(request):
    return [_economy(e) for e in Economy.objects.all()]


@router.get("/economies/{iso3}", response=EconomyDetail)
def get_economy(request, iso3: str):
    economy = get_object_or_404(Economy, iso3=iso3.upper())
    return {**_economy(economy), "groups": [_membership(m) for m in economy.memberships.all()]}


@router.get("/groups/{code}/members", response=MembersOut)
def group_members(request, code: str, on: dt.date | None = None):
    group = get_object_or_404(Group, code=code.upper())
    day = on or dt.date.today()
    members = (
        Membership.objects.filter(group=group, valid_from__lte=day)
        .exclude(valid_to__lte=day)
        .values_list("economy_id", flat=True)
    )
    return {"group": group.code, "names": group.names, "on": day, "members": sorted(members)}
