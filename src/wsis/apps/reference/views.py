"""Pages of the reference knowledge. Read-only; every page works without JavaScript."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

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


def action_line(request: HttpRequest, code: str) -> HttpResponse:
    line = get_object_or_404(ActionLine, code=code)
    links = MatrixLink.objects.filter(line=line).select_related("target", "target__goal", "version")
    sub_lines = line.sub_lines.all()
    return render(
        request, "reference/action_line.html", {"line": line, "links": links, "sub_lines": sub_lines}
    )


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


def economy(request: HttpRequest, iso3: str) -> HttpResponse:
    item = get_object_or_404(
        Economy.objects.select_related("region", "subregion", "intermediate_region"), iso3=iso3.upper()
    )
    memberships = item.memberships.select_related("group").order_by(
        "group__kind", "group__code", "valid_from"
    )
    return render(request, "reference/economy.html", {"economy": item, "memberships": memberships})


def groups(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    items = list(Group.objects.all())
    for g in items:
        g.current_count = _members_on(g, today).count()
    regions = Region.objects.filter(level="region")
    return render(request, "reference/groups.html", {"groups": items, "regions": regions, "today": today})


def _members_on(group: Group, day: dt.date):
    return Membership.objects.filter(group=group, valid_from__lte=day).exclude(valid_to__lte=day)


def group(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(Group, code=code.upper())
    raw = request.GET.get("on")
    try:
        day = dt.date.fromisoformat(raw) if raw else dt.date.today()
    except ValueError as exc:
        raise Http404(_("The date must be written as YYYY-MM-DD.")) from exc
    members = _members_on(item, day).select_related("economy")
    history = item.memberships.exclude(valid_to__isnull=True).select_related("economy").order_by("valid_to")
    return render(
        request,
        "reference/group.html",
        {"group": item, "members": members, "day": day, "history": history},
    )


def indicators(request: HttpRequest) -> HttpResponse:
    items = Indicator.objects.select_related("sdg_indicator")
    return render(request, "reference/indicators.html", {"indicators": items})


def connectivity_targets(request: HttpRequest) -> HttpResponse:
    items = ConnectivityTarget.objects.select_related("indicator")
    return render(request, "reference/targets.html", {"targets": items})
