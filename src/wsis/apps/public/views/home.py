"""Home page: headline figures with their year and source, the state of the main targets, what is new.

Headline figures are group aggregates of the measurement engine (population-weighted, with their imputed
share), stored as computations; when the data do not allow one (coverage below the engine's minimum), the
page says so instead of showing a number. Target status is the engine's progress assessment.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from wsis.apps.public import figures as fig
from wsis.apps.public.views import common
from wsis.apps.reference.models import ActionLine, ConnectivityTarget, Economy, Group, SdgTarget
from wsis.apps.registry.domain.search import public_entries

#: The headline figures: (indicator, group). WLD is every economy of the reference knowledge.
HEADLINES = (("i99H", "WLD"), ("i99H", "LDC"), ("xHH6_IDI", "WLD"))
#: The targets whose state the home page shows: the Broadband Commission's 2025 targets and SDG 9.c.
TARGET_FRAMEWORKS = ("BBC2025", "SDG")
WORLD = "WLD"
NEWS = 5


def _group_names(codes: set[str]) -> dict[str, str]:
    names: dict[str, str] = {g.code: g.name for g in Group.objects.filter(code__in=codes)}
    names[WORLD] = str(gettext_lazy("World"))
    return names


def _headlines(state: str, catalogue: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for indicator, group in HEADLINES:
        items = fig.aggregates(indicator, group, state)
        newest = fig.newest_ok(items)
        out.append(
            {
                "indicator": indicator,
                "name": common.indicator_name(catalogue, indicator),
                "group": group,
                "group_name": names.get(group, group),
                "figure": newest,
                "refused": None if newest or not items else max(items, key=lambda c: c.period),
            }
        )
    return out


def _targets(state: str, names: dict[str, str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Any]:
    targets = {t.code: t for t in ConnectivityTarget.objects.filter(framework__in=TARGET_FRAMEWORKS)}
    assessed = fig.progress(targets=list(targets), state=state) if targets else None
    if assessed is None:
        return [], [{"target": t, "reason": ""} for t in targets.values()], None
    # The imputed share of the aggregate each assessment ends on (the engine's yearly group series).
    imputed = {(s["code"], s["period"]): s.get("imputed_share") for s in assessed["series"]}
    rows = []
    for a in assessed["assessments"]:
        target = targets[a["code"]]
        # "Met" by the framework's own rule, never by the achievement percentage alone.
        standing = common.target_standing(a, target.framework)
        rows.append(
            {
                "target": target,
                "group_name": names.get(target.group, target.group),
                "assessment": a,
                "imputed_share": imputed.get((a["code"], a.get("current_year"))),
                "status": common.PROGRESS_STATUS.get(a["status"], a["status"]),
                "achievement": standing.achievement,
                "met": standing.met,
                "band": standing.label,
            }
        )
    skipped = [{"target": targets[s["code"]], "reason": s["reason"]} for s in assessed["skipped"]]
    return rows, skipped, assessed


def home(request: HttpRequest) -> HttpResponse:
    state = fig.inputs_state()
    catalogue = fig.indicators({i for i, _ in HEADLINES})
    names = _group_names({g for _, g in HEADLINES} | {"LDC"})
    headlines = _headlines(state, catalogue, names)
    targets, skipped, assessed = _targets(state, names)
    names.update(_group_names({row["target"].group for row in targets}))
    releases = fig.Releases()
    initiatives = list(
        public_entries()
        .exclude(published_at=None)
        .order_by("-published_at", "-pk")
        .only("pk", "title", "original_language", "is_demo", "published_at")[:NEWS]
    )
    computed = [h["figure"] or h["refused"] for h in headlines]
    sources = fig.sources_of([c for c in computed if c], assessed["releases"] if assessed else ())
    counts = {
        "lines": ActionLine.objects.count(),
        "targets": SdgTarget.objects.count(),
        "economies": Economy.objects.count(),
        "groups": Group.objects.count(),
    }
    return render(
        request,
        "public/home.html",
        {
            "headlines": headlines,
            "targets": targets,
            "skipped": skipped,
            "assessed": assessed,
            "releases": releases.latest(NEWS),
            "initiatives": initiatives,
            "sources": sources,
            "counts": counts,
        },
    )
