"""What the home, economy, group and compare pages share: translated labels of engine outcomes, trend
charts built from figures, the 400 page for bad input."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from wsis.apps.public.figures import Computed, Figure
from wsis.apps.public.templatetags.public_format import format_measure
from wsis.apps.reference.models import Indicator
from wsis.engine.measure import progress as engine_progress
from wsis.engine.measure import targets as engine_targets

#: The indicators the economy and group profiles lead with, in this order: use, access, subscriptions,
#: coverage, devices, prices. A page shows those the warehouse holds figures of.
KEY_INDICATORS = (
    "i99H",
    "xHH6_IDI",
    "i911mw",
    "i992b",
    "i271GA",
    "HHU271sown_HHTotalIndividual",
    "i271mb_5GB_GNI",
    "i154_FBB5_GNI",
)
#: Of those, the ones drawn as trend charts (a chart costs page weight: a few, not all).
CHARTED = 3

#: The engine's progress statuses (wsis.engine.measure.progress), in the page's language.
PROGRESS_STATUS = {
    engine_progress.TARGET_ACHIEVED: gettext_lazy("target achieved"),
    engine_progress.ON_TRACK: gettext_lazy("on track"),
    engine_progress.ACCELERATION: gettext_lazy("progress but acceleration needed"),
    engine_progress.LIMITED: gettext_lazy("limited progress"),
    engine_progress.DETERIORATION: gettext_lazy("deterioration"),
    engine_progress.NOT_ASSESSED: gettext_lazy("not assessed"),
}
#: ITU's achievement bands of the UMC 2030 targets (wsis.engine.measure.targets.UMC_BANDS).
ACHIEVEMENT_BAND = {
    "Limited": gettext_lazy("Limited"),
    "Satisfactory": gettext_lazy("Satisfactory"),
    "Advanced": gettext_lazy("Advanced"),
    "Target met": gettext_lazy("Target met"),
    "No data": gettext_lazy("No data"),
}
#: What a target row says when its framework's publisher gives no bands (Broadband Commission, SDG).
MET_LABEL = {True: gettext_lazy("Target met"), False: gettext_lazy("Not met")}


@dataclass(frozen=True)
class Standing:
    """Where a figure stands against a target: achievement (whole % of the threshold, rounded down), met
    by the framework's own rule, and the label shown - the publisher's band (UMC 2030), else met or not."""

    achievement: float | None
    met: bool | None
    label: str


def target_standing(assessment: Mapping[str, Any], framework: str) -> Standing:
    """The standing of one engine assessment (``current_value``, ``target``, ``direction``)."""
    value, threshold = assessment.get("current_value"), assessment.get("target")
    if value is None or not threshold or assessment.get("direction") not in ("increase", "decrease"):
        return Standing(None, None, "")
    direction = "at_least" if assessment["direction"] == "increase" else "at_most"
    reached = engine_targets.achievement(value, threshold, direction)
    is_met = engine_targets.met(value, threshold, direction, framework)
    band = engine_targets.source_band(reached, framework)
    label = ACHIEVEMENT_BAND.get(band, band) if band is not None else MET_LABEL[is_met]
    # Shown in whole percent, rounded down: 94.96% must not read "95%" beside a band that starts at 95.
    return Standing(math.floor(reached), is_met, str(label))


#: ITU's parity bands (wsis.engine.measure.divides.ITU_BANDS).
PARITY_CLASS = {
    "parity": gettext_lazy("parity"),
    "almost parity": gettext_lazy("almost parity"),
    "disparity (disadvantaged behind)": gettext_lazy("disparity"),
    "disparity (reversed)": gettext_lazy("reversed disparity"),
}


def language() -> str:
    return get_language() or "en"


def indicator_name(catalogue: Mapping[str, Indicator], code: str) -> str:
    found = catalogue.get(code)
    return found.name if found is not None else code


def bad_request(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    """A page saying what is wrong with the request (which code, which parameter), status 400."""
    return render(request, "public/bad_request.html", {"message": message}, status=status)


@dataclass(frozen=True)
class Point:
    """One value of a trend line: a warehouse figure or an engine aggregate."""

    period: str
    value: float
    estimated: bool
    releases: tuple[int, ...]

    @classmethod
    def of(cls, item: Figure | Computed) -> Point:
        if isinstance(item, Computed):
            ids = tuple(r.id for r in item.releases)
            return cls(str(item.period), float(item.value or 0), item.estimated, ids)
        return cls(item.period, item.value, item.estimated, (item.release.id,))


def trend_block(
    lines: Mapping[str, Sequence[Figure | Computed]],
    *,
    title: str,
    unit: str,
    description: str | None = None,
    download_url: str | None = None,
    embed_url: str | None = None,
) -> Any:
    """A time-series chart (one line per entry of ``lines``) with its data table and text alternative;
    None when there is nothing to draw (fewer than two years in all)."""
    from wsis.apps.public.charting import chart_block
    from wsis.charts import specs

    points = {name: [Point.of(i) for i in items] for name, items in lines.items()}
    rows = [
        {"series": name, "year": int(p.period), "value": p.value, "estimated": p.estimated}
        for name, items in points.items()
        for p in items
        if p.period.isdigit()
    ]
    if len({r["year"] for r in rows}) < 2:
        return None
    lang = language()
    spec = specs.time_series(
        rows,
        title=title,
        y_title=title,
        unit=None,
        locale=lang,
        rtl=get_language_bidi(),
        description=description,
        x_title=_("Year"),
        reported_label=_("reported"),
        estimated_label=_("estimated"),
    )
    marker = {True: _("estimated"), False: _("reported")}
    table = [
        [name, p.period, format_measure(p.value, unit, lang), marker[p.estimated]]
        for name, items in points.items()
        for p in items
    ]
    releases = sorted({r for items in points.values() for p in items for r in p.releases})
    return chart_block(
        spec,
        title=title,
        description=description or title,
        columns=[_("Series"), _("Year"), _("Value"), _("Reported or estimated")],
        rows=table,
        releases=releases,
        download_url=download_url,
        embed_url=embed_url,
    )


def series_download(indicator: str, economies: Sequence[str]) -> str:
    """The indicator page's CSV of exactly these economies' series (latest figures, totals)."""
    url = reverse("public:indicator_download", args=[indicator, "csv"])
    return f"{url}?{urlencode({'part': 'series', 'economies': ','.join(economies)})}"


def chart_description(name: str, items: Sequence[Figure | Computed], unit: str) -> str:
    """The text alternative of a one-line trend: where it starts, where it ends."""
    first, last = Point.of(items[0]), Point.of(items[-1])
    lang = language()
    return _("%(name)s: %(first)s in %(y1)s, %(last)s in %(y2)s.") % {
        "name": name,
        "first": format_measure(first.value, unit, lang),
        "y1": first.period,
        "last": format_measure(last.value, unit, lang),
        "y2": last.period,
    }
