"""Economy profile: key indicators with trends, divides, IDI, target status, groups and initiatives.

Every figure is a warehouse observation or a stored computation of the measurement engine, shown with its
year, source, release and whether its publisher reported or estimated it. What the data do not allow
(no IDI computation stored, no breakdown by sex) is said on the page rather than filled in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from wsis.apps.federation.domain import case_studies
from wsis.apps.federation.domain.discrepancies import discrepancies
from wsis.apps.public import citation
from wsis.apps.public import figures as fig
from wsis.apps.public.views import common
from wsis.apps.reference.models import ConnectivityTarget, Economy
from wsis.apps.registry.domain.search import public_entries
from wsis.engine.measure.divides import ITU_BANDS, parity_score
from wsis.engine.measure.index import load_methodology

#: Frameworks whose targets the profile assesses the economy against (each target's own threshold).
TARGET_FRAMEWORKS = ("BBC2025", "SDG", "UMC2030")
#: The breakdowns a divide compares: dimension -> (disadvantaged code, advantaged code).
DIVIDES = {"sex": ("F", "M"), "urbanisation": ("R", "U")}
INITIATIVES_SHOWN = 10
CASE_STUDIES_SHOWN = 10
WORLD = "WLD"
IDI = "idi-2024"
#: The IDI's two pillars by their node codes in the methodology file, in the page's language.
PILLARS = {"U": gettext_lazy("Universal connectivity"), "M": gettext_lazy("Meaningful connectivity")}


@dataclass(frozen=True)
class Divide:
    indicator: str
    name: str
    dimension: str
    low: fig.Figure  # women / rural
    high: fig.Figure  # men / urban
    score: float
    band: str

    @property
    def gap(self) -> float:
        return self.high.value - self.low.value


def _divides(figures: list[fig.Figure], catalogue: dict[str, Any]) -> list[Divide]:
    """For each indicator and breakdown, the newest year with both sides: the engine's parity score
    (disadvantaged / advantaged) and its ITU band."""
    sides: dict[tuple[str, str, str], dict[str, fig.Figure]] = {}
    for f in figures:
        for dimension, (low, high) in DIVIDES.items():
            code = f.code(dimension)
            if code in (low, high):
                sides.setdefault((f.indicator, dimension, f.period), {})[code] = f
    newest: dict[tuple[str, str], tuple[str, dict[str, fig.Figure]]] = {}
    for (indicator, dimension, period), pair in sorted(sides.items()):
        low, high = DIVIDES[dimension]
        if low in pair and high in pair and pair[high].value > 0:
            newest[(indicator, dimension)] = (period, pair)
    out = []
    for (indicator, dimension), (_period, pair) in sorted(newest.items()):
        low, high = DIVIDES[dimension]
        score = parity_score(pair[low].value, pair[high].value)
        out.append(
            Divide(
                indicator=indicator,
                name=common.indicator_name(catalogue, indicator),
                dimension=dimension,
                low=pair[low],
                high=pair[high],
                score=score,
                band=str(common.PARITY_CLASS.get(ITU_BANDS.classify(score) or "", "")),
            )
        )
    return out


def _applicable_targets(economy: Economy, groups_today: set[str]) -> list[ConnectivityTarget]:
    """The targets of :data:`TARGET_FRAMEWORKS` that apply to the economy: world targets, and targets of a
    group it belongs to today. Targets of a group the reference knowledge does not define (developing
    countries) are left out: membership cannot be checked."""
    return [
        t
        for t in ConnectivityTarget.objects.filter(framework__in=TARGET_FRAMEWORKS)
        if t.group == WORLD or t.group in groups_today
    ]


def _targets(
    economy: Economy, groups_today: set[str], by_key: dict[tuple[str, str], list[fig.Figure]]
) -> tuple[list[dict[str, Any]], Any]:
    applicable = {t.code: t for t in _applicable_targets(economy, groups_today)}
    assessed = fig.progress(economy=economy.iso3, targets=list(applicable)) if applicable else None
    if assessed is None:
        return [], None
    rows = []
    for a in assessed["assessments"]:
        target = applicable.get(a["code"])
        # "Met" by the framework's own rule, never by the achievement percentage alone.
        standing = common.target_standing(a, target.framework if target else "")
        # The figure the assessment ends on, for its provenance (the engine reads the same latest figures).
        current = next(
            (
                f
                for f in by_key.get((a["indicator"], economy.iso3), [])
                if f.year == a.get("current_year") and abs(f.value - (a.get("current_value") or 0)) < 1e-9
            ),
            None,
        )
        rows.append(
            {
                "code": a["code"],
                "name": target.name if target else a["code"],
                "indicator": a["indicator"],
                "threshold": a["target"],
                "value": a.get("current_value"),
                "direction": a["direction"],
                "year": a["target_year"],
                "current": current,
                "status": common.PROGRESS_STATUS.get(a["status"], a["status"]),
                "achievement": standing.achievement,
                "met": standing.met,
                "band": standing.label,
            }
        )
    return rows, assessed


def profile(request: HttpRequest, iso3: str) -> HttpResponse:
    economy = get_object_or_404(
        Economy.objects.select_related("region", "subregion", "intermediate_region"), iso3=iso3.upper()
    )
    if economy.iso3 != iso3:
        # One permanent URL per economy: the upper-case code.
        return redirect("public:economy", iso3=economy.iso3, permanent=True)
    releases = fig.Releases()
    breakdowns = {d: list(codes) for d, codes in DIVIDES.items()}
    found = fig.observations((), [economy.iso3], releases, breakdowns=breakdowns)
    totals = fig.totals(found)
    by_key = fig.series(totals)
    catalogue = fig.indicators({f.indicator for f in found})

    key = []
    for code in common.KEY_INDICATORS:
        items = by_key.get((code, economy.iso3))
        if items:
            name = common.indicator_name(catalogue, code)
            key.append({"code": code, "name": name, "latest": items[-1], "series": items})
    charts = []
    for item in key:
        if len(charts) >= common.CHARTED or len(item["series"]) < 2:
            continue
        unit = item["latest"].unit
        block = common.trend_block(
            {economy.name: item["series"]},
            title=item["name"],
            unit=unit,
            description=common.chart_description(item["name"], item["series"], unit),
            download_url=common.series_download(item["code"], [economy.iso3]),
            embed_url=reverse("public:embed_economy", args=[economy.iso3, item["code"]]),
        )
        if block is not None:
            charts.append(block)

    divides = _divides(found, catalogue)
    index = fig.stored_index(economy.iso3, IDI)
    if index is not None:
        index["pillars"] = [
            {"label": PILLARS.get(node.code, node.label), "score": index["scores"].get(node.code)}
            for node in load_methodology(IDI).root.children
        ]
    today = dt.date.today()
    memberships = list(
        economy.memberships.select_related("group").order_by("group__kind", "group__code", "valid_from")
    )
    current = [m for m in memberships if m.valid_from <= today and (m.valid_to is None or m.valid_to > today)]
    targets, assessed = _targets(economy, {m.group_id for m in current}, by_key)
    entries = public_entries().filter(countries=economy).order_by("-published_at", "-pk")
    initiatives = list(entries.only("pk", "title", "original_language", "is_demo")[:INITIATIVES_SHOWN])

    shown = [item["latest"] for item in key] + [f for d in divides for f in (d.low, d.high)]
    computed = [r for extra in (assessed, index) if extra for r in extra["releases"]]
    sources = fig.sources_of(shown, computed)
    return render(
        request,
        "public/economy.html",
        {
            "economy": economy,
            "key": key,
            "charts": charts,
            "divides": divides,
            "targets": targets,
            "assessed": assessed,
            "index": index,
            "current_groups": current,
            "memberships": memberships,
            "today": today,
            "initiatives": initiatives,
            "initiative_count": (
                entries.count() if len(initiatives) == INITIATIVES_SHOWN else len(initiatives)
            ),
            "sources": sources,
            "cite": citation.of_economy(request, economy, sources),
            # Where the national statistics office's figure differs from ITU's, both are shown.
            "national_figures": discrepancies(economy=economy.iso3),
            "case_studies": list(case_studies.public().filter(economy=economy)[:CASE_STUDIES_SHOWN]),
            "case_studies_filter": urlencode({"economy": economy.iso3}),
        },
    )
