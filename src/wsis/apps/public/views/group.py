"""Group profile (region, LDC, LLDC, SIDS, income group, and the World): the engine's aggregates with
their imputed share, the members on a chosen date (``?on=YYYY-MM-DD``, today by default) and the
dispersion within the group. Aggregates and dispersion are stored computations of the measurement engine,
never computed here.

``WLD`` (the World) is not a group of the reference knowledge: as in the measurement app, it is every
economy of the reference knowledge, member for all time (``wsis.apps.publishing.domain.catalogue.WORLD``,
as the measurement inputs read it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wsis.apps.public import citation
from wsis.apps.public import figures as fig
from wsis.apps.public.views import common
from wsis.apps.publishing.domain.catalogue import WORLD
from wsis.apps.reference.models import Economy, Group, Membership

#: The indicators aggregated over the group (rates of people and households, subscriptions per 100),
#: and the one whose dispersion between members is shown.
AGGREGATED = ("i99H", "xHH6_IDI", "i911mw", "i992b")
DISPERSION_OF = "i99H"


@dataclass(frozen=True)
class WorldMember:
    """A member of the World: every economy, with no date of joining."""

    economy: Economy
    valid_from: None = None
    note: str = ""


def _world() -> Group:
    """The World as the page shows a group (not stored: the reference knowledge has no WLD group)."""
    return Group(
        code=WORLD,
        kind="world",
        names={"en": _("World")},  # already in the page's language
        list_source=_(
            "Every economy of the reference knowledge: the UN Member States and the other economies ITU "
            "reports on, as the measurement engine counts the World."
        ),
    )


def _members_on(group: Group, day: dt.date) -> list[Any]:
    if group.code == WORLD:
        return [WorldMember(e) for e in Economy.objects.order_by("iso3")]
    return list(
        Membership.objects.filter(group=group, valid_from__lte=day)
        .exclude(valid_to__lte=day)
        .select_related("economy")
        .order_by("economy__iso3")
    )


def profile(request: HttpRequest, code: str) -> HttpResponse:
    if code.upper() == WORLD:
        group = _world()
    else:
        group = get_object_or_404(Group, code=code.upper())
    if group.code != code:
        return redirect("public:group", code=group.code, permanent=True)
    raw = request.GET.get("on", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else dt.date.today()
    except ValueError:
        return common.bad_request(
            request, _("The date “%(on)s” (parameter on) must be written as YYYY-MM-DD.") % {"on": raw}
        )
    members = _members_on(group, day)
    history = (
        []
        if group.code == WORLD
        else list(
            group.memberships.exclude(valid_to__isnull=True).select_related("economy").order_by("valid_to")
        )
    )

    state = fig.inputs_state()
    catalogue = fig.indicators(AGGREGATED)
    aggregates = []
    charts = []
    for code_ in AGGREGATED:
        items = fig.aggregates(code_, group.code, state)
        if not items:
            continue
        name = common.indicator_name(catalogue, code_)
        newest = fig.newest_ok(items)
        refused = None if newest else max(items, key=lambda c: c.period)
        aggregates.append({"code": code_, "name": name, "figure": newest, "refused": refused})
        ok = [c for c in items if c.status == "ok" and c.value is not None]
        if code_ == DISPERSION_OF and len(ok) >= 2:
            block = common.trend_block(
                {group.name: ok},
                title=name,
                unit=ok[-1].unit,
                description=common.chart_description(name, ok, ok[-1].unit),
            )
            if block is not None:
                charts.append(block)
    dispersion = None
    dispersed = next((a for a in aggregates if a["code"] == DISPERSION_OF and a["figure"]), None)
    if dispersed:
        dispersion = fig.dispersion(DISPERSION_OF, group.code, dispersed["figure"].period, state)
    names = {}
    if dispersion is not None:
        ends = [dispersion.extra["lowest"]["economy"], dispersion.extra["highest"]["economy"]]
        names = {e.iso3: e for e in Economy.objects.filter(iso3__in=ends)}

    computed = [a["figure"] or a["refused"] for a in aggregates]
    sources = fig.sources_of([c for c in computed if c], dispersion.releases if dispersion else ())
    return render(
        request,
        "public/group.html",
        {
            "group": group,
            "day": day,
            "members": members,
            "history": history,
            "aggregates": aggregates,
            "charts": charts,
            "dispersion": dispersion,
            "dispersion_name": common.indicator_name(catalogue, DISPERSION_OF),
            "ends": names,
            "sources": sources,
            "cite": citation.of_group(request, group, sources),
        },
    )
