"""REST API of the registry (django-ninja): reading is open to everyone; writing needs a personal token
(`Authorization: Bearer <token>`, created on the account page). The same domain functions and the same
``rules`` as the HTML pages apply. Tokens, not cookies, authenticate writes, so there is no CSRF surface."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import rules
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja import Query as QueryParams
from ninja.errors import HttpError
from ninja.security import HttpBearer

from wsis.apps.accounts.domain.tokens import TokenThrottled, user_for_token
from wsis.apps.accounts.models import Organization
from wsis.apps.reference.models import ActionLine
from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.domain.entries import create_initiative, update_initiative
from wsis.apps.registry.domain.fields import PRIVATE_CONTACT
from wsis.apps.registry.domain.matrix import targets_outside_matrix
from wsis.apps.registry.domain.search import FACETS, Query, SearchTextError, find
from wsis.apps.registry.domain.snapshots import snapshot
from wsis.apps.registry.domain.verification import light
from wsis.apps.registry.domain.workflow import submit, transition
from wsis.apps.registry.models import Decision, Initiative

router = Router(tags=["registry"])


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = _token_user(request, token)
        if user is not None:
            request.user = user
        return user


def _token_user(request: HttpRequest, token: str):
    try:
        return user_for_token(token=token, request=request)
    except TokenThrottled as exc:
        raise HttpError(429, str(exc)) from exc


def _optional_user(request: HttpRequest):
    """Reads accept a token too (to see one's own unpublished entries); without one, anonymous."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = _token_user(request, header[7:].strip())
        if user is None:
            raise HttpError(401, "invalid token")
        return user
    return AnonymousUser()


class EntryOut(Schema):
    id: int
    ref: str
    url: str
    iati_identifier: str | None
    state: str
    organization: str
    stakeholder_type: str
    light: str | None
    is_demo: bool
    same_as: str | None
    targets_outside_matrix: list[str]
    data: dict


class ListOut(Schema):
    count: int
    results: list[EntryOut]
    facets: dict[str, list[tuple[str, int]]]


class Target(Schema):
    code: str
    evidence: str = ""


class Partner(Schema):
    name: str
    role: str


class Link(Schema):
    url: str
    title: str = ""


class ResultIn(Schema):
    indicator: str
    year: int
    baseline: Decimal | None = None
    target: Decimal | None = None
    actual: Decimal | None = None


class PledgeTarget(Schema):
    description: str
    value: Decimal | None = None
    unit: str = ""
    year: int | None = None


class EntryIn(Schema):
    organization: int
    kind: str = "initiative"
    original_language: str = "en"
    title: dict[str, str]
    summary: dict[str, str] = {}
    description: dict[str, str] = {}
    action_lines: list[str]
    targets: list[Target] = []
    countries: list[str] = []
    groups: list[str] = []
    partners: list[Partner] = []
    links: list[Link] = []
    results: list[ResultIn] = []
    scope: str = "national"
    activity_status: str = "ongoing"
    start_date: dt.date
    end_date: dt.date | None = None
    budget_value: Decimal | None = None
    budget_currency: str = "USD"
    contact_name: str = ""
    contact_email: str = ""
    contact_public: bool = False
    focus_area: str = ""
    pillar: str = ""
    pledge_type: str = ""
    pledge_value_usd: Decimal | None = None
    beneficiaries: list[str] = []
    pledge_targets: list[PledgeTarget] = []


class DecisionIn(Schema):
    action: str
    reason: str = ""


class DecisionOut(Schema):
    ref: str
    action: str
    from_state: str
    to_state: str
    line: str | None
    reason: str
    version: int
    at: dt.datetime


def _out(request: HttpRequest, entry: Initiative, user) -> dict:
    data = snapshot(initiative=entry)
    if not rules.has_perm("registry.view_contact", user, entry):
        for name in PRIVATE_CONTACT:
            data.pop(name, None)
    return {
        "id": entry.pk,
        "ref": entry.ref,
        "url": request.build_absolute_uri(entry.get_absolute_url()),
        "iati_identifier": entry.iati_identifier,
        "state": entry.state,
        "organization": entry.organization.name,
        "stakeholder_type": entry.organization.stakeholder_type,
        "light": light(initiative=entry),
        "is_demo": entry.is_demo,
        "same_as": entry.same_as.ref if entry.same_as_id else None,
        "targets_outside_matrix": targets_outside_matrix(initiative=entry),
        "data": data,
    }


def _visible(request: HttpRequest, pk: int, user) -> Initiative:
    entry = get_object_or_404(Initiative.objects.select_related("organization", "same_as"), pk=pk)
    if not rules.has_perm("registry.view_initiative", user, entry):
        raise HttpError(404, "Not Found")
    return entry


class ListParams(Schema):
    q: str = ""
    line: list[str] = []
    goal: list[str] = []
    target: list[str] = []
    country: list[str] = []
    region: list[str] = []
    group: list[str] = []
    stakeholder: list[str] = []
    status: list[str] = []
    year: list[str] = []
    light: list[str] = []
    kind: list[str] = []
    limit: int = 50
    offset: int = 0


@router.get("/initiatives", response=ListOut, summary="Search published entries, with facet counts")
def list_entries(request: HttpRequest, params: QueryParams[ListParams]):
    try:
        query = Query(text=params.q, filters={name: getattr(params, name) for name in FACETS})
    except SearchTextError as exc:
        raise HttpError(400, str(exc)) from exc
    found = find(query=query, offset=max(0, params.offset), limit=max(1, min(params.limit, 200)))
    user = AnonymousUser()
    return {
        "count": found.total,
        "results": [_out(request, e, user) for e in found.entries],
        "facets": found.facets,
    }


@router.get("/initiatives/{pk}", response=EntryOut, summary="One entry by its permanent number")
def get_entry(request: HttpRequest, pk: int):
    user = _optional_user(request)
    return _out(request, _visible(request, pk, user), user)


@router.post("/initiatives", response={201: EntryOut}, auth=TokenAuth(), summary="Create a draft")
def create_entry(request: HttpRequest, payload: EntryIn):
    org = get_object_or_404(Organization, pk=payload.organization)
    if not rules.has_perm("registry.create_initiative", request.user, org):
        raise HttpError(403, "you are not a member of this organization")
    data = payload.dict(exclude={"organization"})
    try:
        entry = create_initiative(organization=org, author=request.user, data=data)
    except RegistryError as exc:
        raise HttpError(422, str(exc)) from exc
    return 201, _out(request, entry, request.user)


@router.put("/initiatives/{pk}", response=EntryOut, auth=TokenAuth(), summary="Replace an entry's content")
def update_entry(request: HttpRequest, pk: int, payload: EntryIn):
    entry = _visible(request, pk, request.user)
    if not rules.has_perm("registry.change_initiative", request.user, entry):
        raise HttpError(403, "you may not change this entry now")
    try:
        update_initiative(initiative=entry, author=request.user, data=payload.dict(exclude={"organization"}))
    except RegistryError as exc:
        raise HttpError(422, str(exc)) from exc
    return _out(request, entry, request.user)


@router.post("/initiatives/{pk}/submit", response=EntryOut, auth=TokenAuth(), summary="Submit for review")
def submit_entry(request: HttpRequest, pk: int):
    entry = _visible(request, pk, request.user)
    if not rules.has_perm("registry.submit_initiative", request.user, entry):
        raise HttpError(403, "you may not submit this entry now")
    submit(initiative=entry, actor=request.user)
    return _out(request, entry, request.user)


@router.post(
    "/initiatives/{pk}/decisions", response=EntryOut, auth=TokenAuth(), summary="A facilitator's decision"
)
def decide(request: HttpRequest, pk: int, payload: DecisionIn):
    entry = _visible(request, pk, request.user)
    if not rules.has_perm("registry.review_initiative", request.user, entry):
        raise HttpError(403, "only facilitators of this entry's action lines review it")
    line = (
        ActionLine.objects.filter(code__in=entry.action_lines.values("code"))
        .filter(code__in=request.user.staff_roles.values("line_id"))
        .first()
    )
    try:
        transition(
            initiative=entry, action=payload.action, actor=request.user, reason=payload.reason, line=line
        )
    except RegistryError as exc:
        raise HttpError(422, str(exc)) from exc
    return _out(request, entry, request.user)


class DecisionParams(Schema):
    # Bounds declared, so that offset=-5 is a 422 naming the parameter, not a 500 from a negative slice.
    limit: int = Field(100, ge=1, description="at most 500 are returned")
    offset: int = Field(0, ge=0)


@router.get("/decisions", response=list[DecisionOut], summary="The public decision log")
def decision_log(request: HttpRequest, params: QueryParams[DecisionParams]):
    rows = Decision.objects.exclude(action="submit").select_related("initiative")[
        params.offset : params.offset + min(params.limit, 500)
    ]
    return [
        {
            "ref": d.initiative.ref,
            "action": d.action,
            "from_state": d.from_state,
            "to_state": d.to_state,
            "line": d.line_id,
            "reason": d.reason,
            "version": d.version,
            "at": d.created_at,
        }
        for d in rows
    ]
