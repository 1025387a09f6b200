"""Staff pages of the federation: the sources with their state (a source down is shown with its error)
and their pulls, and the discrepancy report between national and ITU figures."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wsis.apps.federation.domain.discrepancies import discrepancies
from wsis.apps.federation.models import Pull, Source


def _manager(request: HttpRequest) -> None:
    if not rules.has_perm("federation.manage", request.user):
        raise PermissionDenied


@login_required
@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    _manager(request)
    found = list(Source.objects.all())
    pulls = Pull.objects.select_related("source", "release")[:50]
    down = [s for s in found if s.state in (Source.State.DOWN, Source.State.REFUSED)]
    return render(request, "federation/sources.html", {"sources": found, "pulls": pulls, "down": down})


@login_required
@require_GET
def discrepancy_report(request: HttpRequest) -> HttpResponse:
    _manager(request)
    try:
        threshold = float(request.GET.get("threshold", "5"))
    except ValueError:
        threshold = -1.0
    if not 0 <= threshold <= 10_000:
        return render(
            request,
            "federation/discrepancies.html",
            {"error": True, "threshold": request.GET["threshold"]},
            status=400,
        )
    items = discrepancies(threshold=threshold, economy=request.GET.get("economy") or None)
    return render(request, "federation/discrepancies.html", {"items": items, "threshold": threshold})
