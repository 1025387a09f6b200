"""The action line page: facilitators, the WSIS-SDG matrix links, the published initiatives on the line
(C7: on any of its sub-lines too), and how many initiatives each stakeholder type and region has.

The page replaces the reference app's action-line detail page. Counts follow the registry's own rule for
"on this line" (its search filter), so the numbers match what the stocktaking search shows for the line.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from wsis.apps.accounts.enums import StakeholderType
from wsis.apps.federation.domain import case_studies
from wsis.apps.public.views.indicator import problem
from wsis.apps.reference.models import ActionLine, MatrixLink, Region
from wsis.apps.registry.domain.search import Query, search
from wsis.apps.registry.models import Initiative

#: Initiatives listed on the page; the registry search link shows them all.
INITIATIVES_SHOWN = 20


def page(request: HttpRequest, code: str) -> HttpResponse:
    line = ActionLine.objects.select_related("parent").filter(code=code).first()
    if line is None:
        return problem(
            request, _("No action line has the code %(code)s.") % {"code": code}, status=404, parameter="code"
        )
    sub_lines = list(line.sub_lines.all())
    # A line without links of its own (C7) is linked through its sub-lines: show theirs, by sub-line.
    linked = [line, *sub_lines]
    links = list(
        MatrixLink.objects.filter(line__in=linked).select_related("line", "target", "target__goal", "version")
    )
    entries = search(query=Query(filters={"line": [line.code]}))
    total = entries.count()
    initiatives = list(
        entries.select_related("organization").order_by("-published_at", "-pk")[:INITIATIVES_SHOWN]
    )
    context = {
        "line": line,
        "sub_lines": sub_lines,
        "links": links,
        "matrix_version": links[0].version if links else None,
        "total": total,
        "initiatives": initiatives,
        "by_stakeholder": _by_stakeholder(entries) if total else [],
        "by_region": _by_region(entries) if total else [],
        "registry_url": reverse("registry:search") + "?" + urlencode({"line": line.code}),
        # Case studies on the line or on one of its sub-lines.
        "case_studies": list(
            case_studies.public().filter(action_lines__in=linked).distinct()[:INITIATIVES_SHOWN]
        ),
        "case_studies_filter": urlencode({"line": line.code}),
    }
    return render(request, "public/action_line.html", context)


def _by_stakeholder(entries: QuerySet[Initiative]) -> list[tuple[str, int]]:
    rows = (
        entries.order_by()
        .values_list("organization__stakeholder_type")
        .annotate(n=Count("id", distinct=True))
    )
    labels = dict(StakeholderType.choices)
    return sorted(((str(labels.get(k, k)), n) for k, n in rows), key=lambda kv: (-kv[1], kv[0]))


def _by_region(entries: QuerySet[Initiative]) -> list[tuple[str, int]]:
    """Per M49 region, the initiatives with at least one country there (an initiative in several regions
    counts in each); initiatives that name no country (global, or groups only) are counted apart."""
    rows = entries.order_by().values_list("countries__region_id").annotate(n=Count("id", distinct=True))
    names = {r.m49: r.name for r in Region.objects.filter(level="region")}
    out = [(names.get(m49, m49), n) for m49, n in rows if m49]
    out.sort(key=lambda kv: (-kv[1], kv[0]))
    unplaced = sum(n for m49, n in rows if not m49)
    if unplaced:
        out.append((_("No country named (global or regional)"), unplaced))
    return out
