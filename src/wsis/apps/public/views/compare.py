"""Compare: two to five economies side by side on chosen indicators.

``compare/?economies=KEN,UGA&indicators=i99H,i992b`` (codes may also repeat the parameter, as the form
sends them). Without ``economies`` the page shows only the form; a code that is not an economy or
indicator of the reference knowledge, or a count outside 2-5, gives a 400 page that names it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from wsis.apps.public import figures as fig
from wsis.apps.public.views import common
from wsis.apps.reference.models import Economy, Indicator

MIN_ECONOMIES, MAX_ECONOMIES = 2, 5
MAX_INDICATORS = 10
#: Shown when the request names no indicator.
DEFAULT_INDICATORS = common.KEY_INDICATORS[:4]


class BadChoice(ValueError):
    """A choice the page cannot show, said in words naming the code and the parameter."""


def codes(request: HttpRequest, name: str) -> list[str]:
    """The codes of a parameter given as ``A,B`` or repeated (``?x=A&x=B``), in order, each once."""
    found = [c.strip() for value in request.GET.getlist(name) for c in value.split(",")]
    return list(dict.fromkeys(c for c in found if c))


def _economies(request: HttpRequest) -> list[Economy]:
    wanted = [c.upper() for c in codes(request, "economies")]
    known = {e.iso3: e for e in Economy.objects.filter(iso3__in=wanted)}
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise BadChoice(
            _("No economy with the code “%(code)s” (parameter economies); use ISO alpha-3 codes (KEN).")
            % {"code": ", ".join(unknown)}
        )
    if not MIN_ECONOMIES <= len(wanted) <= MAX_ECONOMIES:
        raise BadChoice(
            _("Choose between %(low)d and %(high)d economies (parameter economies); %(n)d given.")
            % {"low": MIN_ECONOMIES, "high": MAX_ECONOMIES, "n": len(wanted)}
        )
    return [known[c] for c in wanted]


def _indicators(request: HttpRequest, catalogue: dict[str, Indicator]) -> list[str]:
    wanted = codes(request, "indicators") or list(DEFAULT_INDICATORS)
    unknown = [c for c in wanted if c not in catalogue]
    if unknown:
        raise BadChoice(
            _("No indicator with the code “%(code)s” (parameter indicators); see the indicator catalogue.")
            % {"code": ", ".join(unknown)}
        )
    if len(wanted) > MAX_INDICATORS:
        raise BadChoice(
            _("Choose at most %(high)d indicators (parameter indicators); %(n)d given.")
            % {"high": MAX_INDICATORS, "n": len(wanted)}
        )
    return wanted


def page(request: HttpRequest) -> HttpResponse:
    catalogue = {i.code: i for i in Indicator.objects.all()}
    context: dict[str, Any] = {
        "all_economies": sorted(Economy.objects.only("iso3", "names"), key=lambda e: e.name),
        "all_indicators": sorted(catalogue.values(), key=lambda i: i.name),
        "chosen_economies": set(),
        "chosen_indicators": set(codes(request, "indicators") or DEFAULT_INDICATORS),
        "max_economies": MAX_ECONOMIES,
    }
    if "economies" not in request.GET:
        return render(request, "public/compare.html", context)
    try:
        economies = _economies(request)
        indicators = _indicators(request, catalogue)
    except BadChoice as exc:
        context["error"] = str(exc)
        context["chosen_economies"] = {c.upper() for c in codes(request, "economies")}
        return render(request, "public/compare.html", context, status=400)

    releases = fig.Releases()
    found = fig.observations(indicators, [e.iso3 for e in economies], releases)
    by_key = fig.series(found)
    rows = [
        {
            "code": code,
            "name": common.indicator_name(catalogue, code),
            "cells": [by_key.get((code, e.iso3), [None])[-1] for e in economies],
        }
        for code in indicators
    ]
    charts = []
    first = next((r for r in rows if any(r["cells"])), None)
    if first is not None:
        lines = {
            e.name: by_key[(first["code"], e.iso3)] for e in economies if (first["code"], e.iso3) in by_key
        }
        unit = next(c.unit for c in first["cells"] if c)
        block = common.trend_block(
            lines,
            title=first["name"],
            unit=unit,
            description=_("%(indicator)s in %(economies)s, by year.")
            % {"indicator": first["name"], "economies": ", ".join(lines)},
            download_url=common.series_download(first["code"], [e.iso3 for e in economies]),
        )
        if block is not None:
            charts.append(block)
    shown = [c for r in rows for c in r["cells"] if c]
    context.update(
        {
            "economies": economies,
            "rows": rows,
            "charts": charts,
            "sources": fig.sources_of(shown),
            "chosen_economies": {e.iso3 for e in economies},
            "chosen_indicators": set(indicators),
        }
    )
    return render(request, "public/compare.html", context)
