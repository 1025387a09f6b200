"""Pages of the reference knowledge. Read-only; every page works without JavaScript."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from wsis.apps.reference.models import (
    ActionLine,
    ConnectivityTarget,
    Economy,
    Group,
    Indicator,
    MatrixLink,
    Membership,
    Region,
    SdgGoal,
    SdgTarget,
)


def action_lines(request: HttpRequest) -> HttpResponse:
    lines = ActionLine.objects.prefetch_related("sdg_links")
    return render(request, "reference/action_lines.html", {"lines": lines})


def goals(request: HttpRequest) -> HttpResponse:
    return render(request, "reference/goals.html", {"goals": SdgGoal.objects.all()})


def goal(request: HttpRequest, number: int) -> HttpResponse:
    item = get_object_or_404(SdgGoal, number=number)
    targets = item.targets.prefetch_related(
        Prefetch("line_links", queryset=MatrixLink.objects.select_related("line"))
    )
    return render(request, "reference/goal.html", {"goal": item, "targets": targets})


def target(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(SdgTarget.objects.select_related("goal"), code=code)
    links = item.line_links.select_related("line")
    return render(
        request,
        "reference/target.html",
        {"target": item, "links": links, "indicators": item.indicators.all()},
    )


def economies(request: HttpRequest) -> HttpResponse:
    rows = Economy.objects.select_related("region", "subregion").order_by(
        "region__m49", "subregion__m49", "iso3"
    )
    by_region = [(region, list(items)) for region, items in groupby(rows, key=lambda e: e.region)]
    return render(request, "reference/economies.html", {"by_region": by_region, "total": rows.count()})


def groups(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    items = list(Group.objects.all())
    for g in items:
        g.current_count = _members_on(g, today).count()
    regions = Region.objects.filter(level="region")
    return render(request, "reference/groups.html", {"groups": items, "regions": regions, "today": today})


def _members_on(group: Group, day: dt.date):
    return Membership.objects.filter(group=group, valid_from__lte=day).exclude(valid_to__lte=day)


def indicators(request: HttpRequest) -> HttpResponse:
    items = Indicator.objects.select_related("sdg_indicator")
    return render(request, "reference/indicators.html", {"indicators": items})


def connectivity_targets(request: HttpRequest) -> HttpResponse:
    items = ConnectivityTarget.objects.select_related("indicator")
    return render(request, "reference/targets.html", {"targets": items})
