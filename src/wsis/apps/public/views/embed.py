"""Charts alone, for other sites' iframes (``/<lang>/embed/...``): the drawing, its text alternative and
data table, the source and release it was drawn from, and a link back to the page it belongs to - no
header, navigation or footer.

These are the only pages another site may frame: the site denies framing everywhere else
(``X-Frame-Options: DENY`` and the policy's ``frame-ancestors 'none'``); :func:`frameable` lifts both
for the embed views only.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from wsis.apps.public import figures as fig
from wsis.apps.public.charting import ChartBlock
from wsis.apps.public.views import common, indicator
from wsis.apps.reference.models import Economy

#: The embeddable charts of an indicator page.
PARTS = ("map", "series")


def frameable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let any site frame the view's answers (and no other page of this site)."""
    return xframe_options_exempt(csp_replace({"frame-ancestors": ["*"]})(view))


def _embed(
    request: HttpRequest, chart: ChartBlock, sources: list[fig.ReleaseRef], page_url: str
) -> HttpResponse:
    return render(
        request,
        "public/embed.html",
        {"chart": chart, "sources": sources, "page_url": page_url, "embedded": True},
    )


def indicator_chart(request: HttpRequest, code: str, part: str) -> HttpResponse:
    """The map (``year``, ``breakdown``) or the time series (``economies``, ``breakdown``) of an
    indicator page, with the same query parameters as the page."""
    if part not in PARTS:
        message = _("An indicator's embeddable charts are %(parts)s, not %(part)s.") % {
            "parts": ", ".join(PARTS),
            "part": part,
        }
        return indicator.problem(request, message, status=404)
    found = indicator.shown(request, code)
    if isinstance(found, HttpResponse):
        return found
    chart = found.charts.get(part)
    if chart is None:
        return indicator.problem(request, _("This indicator has no figures to draw here."), status=404)
    rows = found.ranked if part == "map" else found.lines
    query = {k: v for k, v in request.GET.items() if k in ("year", "breakdown", "economies")}
    page_url = reverse("public:indicator", args=[found.series.code])
    page_url += "?" + urlencode(query) if query else ""
    return _embed(request, chart, fig.sources_of(r.figure for r in rows), page_url)


def economy_chart(request: HttpRequest, iso3: str, code: str) -> HttpResponse:
    """An economy's trend of one indicator (latest figures, totals), as on its profile."""
    economy = get_object_or_404(Economy, iso3=iso3.upper())
    items = fig.series(fig.totals(fig.observations([code], [economy.iso3], fig.Releases()))).get(
        (code, economy.iso3), []
    )
    name = common.indicator_name(fig.indicators({code}), code)
    chart = (
        common.trend_block(
            {economy.name: items},
            title=f"{name} · {economy.name}",
            unit=items[-1].unit,
            description=common.chart_description(name, items, items[-1].unit),
            download_url=common.series_download(code, [economy.iso3]),
        )
        if items
        else None
    )
    if chart is None:
        message = _("%(economy)s has fewer than two years of %(indicator)s to draw.") % {
            "economy": economy.name,
            "indicator": code,
        }
        return indicator.problem(request, message, status=404)
    page_url = reverse("public:economy", args=[economy.iso3])
    return _embed(request, chart, fig.sources_of(items), page_url)
