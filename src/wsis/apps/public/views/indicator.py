"""The indicator page: definition and metadata, a world map and a ranking for one year, a time series for
chosen economies, downloads of exactly those figures, and the releases and revisions of the indicator.

Query parameters (all optional, all in the permanent URL): ``year`` (default: the latest year with good
coverage), ``economies`` (ISO3 codes, comma-separated; default: the best, median and last of the ranking),
``breakdown`` (``dimension:code``; default: the total). A parameter the page cannot answer gives a 400
page that names it; an unknown indicator a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from wsis.apps.public import citation, downloads, explorer
from wsis.apps.public.charting import ChartBlock, chart_block, chart_locale
from wsis.apps.public.figures import Releases, cached, sources_of, warehouse_state
from wsis.apps.public.templatetags.public_format import format_measure, unit_label
from wsis.apps.reference.models import LocalText
from wsis.charts import maps, specs

#: The map's width in CSS pixels (wider than the other charts: small countries need the room).
MAP_WIDTH = 760


def problem(request: HttpRequest, message: str, *, status: int, parameter: str | None = None) -> HttpResponse:
    """A page that says what is wrong with the request, in the page's language, with the right status."""
    return render(request, "public/problem.html", {"message": message, "parameter": parameter}, status=status)


def _selection(
    request: HttpRequest, code: str
) -> tuple[explorer.Series, explorer.Coverage, dict] | HttpResponse:
    """The indicator and the parameters of the request, or the error page saying what is wrong."""
    try:
        series = explorer.find_series(code)
    except explorer.UnknownIndicator:
        return problem(
            request, _("No indicator has the code %(code)s.") % {"code": code}, status=404, parameter="code"
        )
    # What the warehouse holds of the indicator changes only with a release: read it once per state.
    state = warehouse_state()
    cover = cached(f"indicator-coverage:{series.code}", state, lambda: explorer.coverage(series.code))
    try:
        breakdown = explorer.parse_breakdown(request.GET.get("breakdown"), cover)
        year = explorer.parse_year(request.GET.get("year"), cover, breakdown) if cover.counts else None
        chosen = explorer.parse_economies(request.GET.get("economies"))
    except explorer.BadSelection as exc:
        return problem(request, str(exc), status=400, parameter=exc.parameter)
    return series, cover, {"breakdown": breakdown, "year": year, "economies": chosen, "state": state}


@dataclass(frozen=True)
class Shown:
    """What the indicator page shows for a request: the page and its embeddable charts read the same."""

    series: explorer.Series
    cover: explorer.Coverage
    chosen: dict
    ranked: list[explorer.Row]
    economies: list[str]
    lines: list[explorer.Row]
    table: list[tuple[object, ...]]
    links: dict[str, list[tuple[str, str]]]
    charts: dict[str, ChartBlock]


def shown(request: HttpRequest, code: str) -> Shown | HttpResponse:
    """The figures, tables and charts of the indicator page for the request, or the page saying what is
    wrong with it."""
    found = _selection(request, code)
    if isinstance(found, HttpResponse):
        return found
    series, cover, chosen = found
    breakdown, year = chosen["breakdown"], chosen["year"]
    releases = Releases()
    ranked = explorer.ranking_rows(series, year, breakdown, releases) if year else []
    economies = chosen["economies"] or explorer.default_economies(ranked)
    lines = explorer.series_rows(series.code, economies, breakdown, releases) if economies else []
    # Each figure formatted once, for the ranking table and the map's table alike; plain tuples keep the
    # template's work on some two hundred rows small.
    table = _table(ranked)
    query = {"breakdown": breakdown.param} if breakdown.codes else {}
    ranking_query = {**query, "year": year or "", "part": "ranking"}
    series_query = {**query, "economies": ",".join(economies), "part": "series"}
    links = {
        "ranking": _download_links(series.code, ranking_query),
        "series": _download_links(series.code, series_query),
    }
    embeds = {
        "map": _embed_link(series.code, "map", {**query, "year": year or ""}),
        "series": _embed_link(series.code, "series", {**query, "economies": ",".join(economies)}),
    }
    charts = _charts(series, year, ranked, table, lines, links, embeds)
    return Shown(series, cover, chosen, ranked, economies, lines, table, links, charts)


def _year_links(request: HttpRequest, years: list[str]) -> list[dict[str, str]]:
    """The page for each year, oldest first, with the other parameters kept: the map's year slider works
    as plain links, and the script animates it by following them (static/js/map-years.js)."""
    kept = {k: v for k, v in request.GET.items() if k in ("breakdown", "economies")}
    return [{"year": y, "url": "?" + urlencode({**kept, "year": y})} for y in sorted(years)]


def _embed_link(code: str, part: str, query: dict[str, str]) -> str:
    return reverse("public:embed_indicator", args=[code, part]) + "?" + urlencode(query)


def page(request: HttpRequest, code: str) -> HttpResponse:
    found = shown(request, code)
    if isinstance(found, HttpResponse):
        return found
    series, chosen, ranked, lines = found.series, found.chosen, found.ranked, found.lines
    breakdown, year, economies = chosen["breakdown"], chosen["year"], found.economies
    context = {
        "series": series,
        "entry": series.entry,
        # One reverse() for the page instead of one per row: the ranking has some two hundred rows.
        "economy_base": reverse("public:economy", args=["XXX"]).removesuffix("XXX/"),
        "year": year,
        "years": found.cover.years(breakdown),
        "breakdown": breakdown,
        "breakdowns": found.cover.breakdowns if len(found.cover.counts) > 1 else [],
        "economies": economies,
        "api": {
            "metadata": reverse("api-v1:indicator_metadata", kwargs={"code": series.code}),
            "observations": reverse("api-v1:list_observations") + "?" + urlencode({"indicator": series.code}),
        },
        "economies_param": ",".join(economies),
        "ranking": found.table,
        "ranking_releases": sources_of(r.figure for r in ranked),
        "sources": sources_of(r.figure for r in (*ranked, *lines)),
        "notes": cached(
            f"indicator-releases:{series.code}", chosen["state"], lambda: explorer.release_notes(series.code)
        ),
        "downloads": found.links,
        "charts": found.charts,
        "ranking_notes": list(data_notes(ranked).items()),
        "year_links": _year_links(request, found.cover.years(breakdown)),
        "cite": citation.of_indicator(request, series, sources_of(r.figure for r in (*ranked, *lines))),
    }
    return render(request, "public/indicator.html", context)


def _download_links(code: str, query: dict[str, str]) -> list[tuple[str, str]]:
    labels = {"csv": "CSV", "json": "JSON", "sdmx": "SDMX-ML"}
    return [
        (labels[fmt], reverse("public:indicator_download", args=[code, fmt]) + "?" + urlencode(query))
        for fmt in downloads.FORMATS
    ]


def data_notes(rows: list[explorer.Row]) -> dict[str, int]:
    """The publishers' notes on the rows' data points, numbered in the order of the rows (one number per
    distinct note, as a footnote is numbered once however many figures it explains)."""
    numbers: dict[str, int] = {}
    for row in rows:
        if row.note and row.note not in numbers:
            numbers[row.note] = len(numbers) + 1
    return numbers


def _table(rows: list[explorer.Row]) -> list[tuple[object, ...]]:
    """(rank, ISO3, name, value, year, reported/estimated, source, note number or None) per row,
    formatted. The source names the release too when the rows come from several; one release is named
    once, above the table. The notes themselves are :func:`data_notes`, listed under the table."""
    estimated, reported = _("estimated"), _("reported")
    one_release = len({r.figure.release.id for r in rows}) == 1
    notes = data_notes(rows)
    return [
        (
            r.rank,
            r.figure.area,
            r.name,
            format_measure(r.figure.value, r.figure.unit),
            r.figure.period,
            estimated if r.figure.estimated else reported,
            # The publisher's own words (its source notes, its release names): English, marked as such.
            LocalText(
                (r.figure.source or "–") if one_release else f"{r.figure.source or '–'} ({r.figure.release})",
                "en",
            ),
            notes.get(r.note),
        )
        for r in rows
    ]


def _charts(
    series: explorer.Series,
    year: str | None,
    ranked: list[explorer.Row],
    table: list[tuple[object, ...]],
    lines: list[explorer.Row],
    links: dict[str, list[tuple[str, str]]],
    embeds: dict[str, str],
) -> dict[str, ChartBlock]:
    """The map of the year (its table alternative is the ranking table printed under it, so the block's
    own table stays short: economy and value) and the time series of the chosen economies."""
    where = chart_locale()
    unit = unit_label(series.unit)
    out: dict[str, ChartBlock] = {}
    mapped = maps.iso3_to_numeric()
    if ranked and year:
        title = _("%(indicator)s, %(year)s") % {"indicator": series.name, "year": year}
        drawn = [r for r in ranked if r.figure.area in mapped]
        out["map"] = chart_block(
            specs.choropleth(
                # Areas the reference economies do not hold (Kosovo, XKX) have no shape on the map; they
                # stay in the ranking.
                {r.figure.area: r.figure.value for r in drawn},
                title=title,
                legend_title=unit,
                width=MAP_WIDTH,
                height=MAP_WIDTH // 2,
                names={r.figure.area: str(r.name) for r in drawn},
                notes={r.figure.area: r.note for r in drawn if r.note},
                tooltip_labels=_tooltip_labels(),
                **where,
            ),
            title=title,
            description=_map_description(series, year, ranked),
            columns=[_("Economy"), _("Value")],
            rows=[(name, value) for _rank, _area, name, value, *_rest in table],
            releases=[r.id for r in sources_of(r.figure for r in ranked)],
            download_url=links["ranking"][0][1],
            embed_url=embeds["map"],
            note=_("Hatched: no figure for that year.")
            + " "
            + _(
                "The boundaries and names shown and the designations used on this map do not imply "
                "official endorsement or acceptance by the United Nations."
            ),
            interactive=True,
        )
    if lines:
        title = _("%(indicator)s over time") % {"indicator": series.name}
        points = [
            {
                "series": r.name,
                "year": int(r.figure.period),
                "value": r.figure.value,
                "estimated": r.figure.estimated,
                "note": r.note,
            }
            for r in lines
        ]
        spec = specs.time_series(
            points,
            title=title,
            # The axis title is the unit in words already: passing the unit again read "percent (percent)".
            y_title=unit,
            reported_label=_("reported"),
            estimated_label=_("estimated"),
            tooltip_labels={**_tooltip_labels(), "series": _("Economy"), "year": _("Year")},
            **where,
        )
        notes = {r.note: LocalText(r.note, "en") for r in lines}
        out["series"] = chart_block(
            spec,
            title=title,
            description=_series_description(series, lines),
            columns=[
                _("Economy"),
                _("Value"),
                _("Year"),
                _("Reported / estimated"),
                _("Source"),
                _("Publisher's note"),
            ],
            rows=[
                (*row[2:7], notes[r.note] if r.note else None)
                for row, r in zip(_table(lines), lines, strict=True)
            ],
            interactive=True,
            releases=[r.id for r in sources_of(r.figure for r in lines)],
            download_url=links["series"][0][1],
            embed_url=embeds["series"],
        )
    return out


def _tooltip_labels() -> dict[str, str]:
    return {"economy": _("Economy"), "value": _("Value"), "note": _("Publisher's note")}


def _map_description(series: explorer.Series, year: str, ranked: list[explorer.Row]) -> str:
    top, bottom = ranked[0], ranked[-1]
    return _(
        "World map of %(indicator)s in %(year)s for %(count)d economies, from %(low)s (%(low_name)s) "
        "to %(high)s (%(high_name)s). The ranking table below lists every value."
    ) % {
        "indicator": series.name,
        "year": year,
        "count": len(ranked),
        "high": format_measure(top.figure.value, top.figure.unit),
        "high_name": top.name,
        "low": format_measure(bottom.figure.value, bottom.figure.unit),
        "low_name": bottom.name,
    }


def _series_description(series: explorer.Series, lines: list[explorer.Row]) -> str:
    parts = []
    for name in dict.fromkeys(r.name for r in lines):
        own = [r for r in lines if r.name == name]
        parts.append(
            _("%(economy)s: %(first)s in %(first_year)s, %(last)s in %(last_year)s")
            % {
                "economy": name,
                "first": format_measure(own[0].figure.value, own[0].figure.unit),
                "first_year": own[0].figure.period,
                "last": format_measure(own[-1].figure.value, own[-1].figure.unit),
                "last_year": own[-1].figure.period,
            }
        )
    return _("%(indicator)s over time. ") % {"indicator": series.name} + "; ".join(parts) + "."


def download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """Exactly the figures of the page with the same parameters: ``part=ranking`` (the map and ranking of
    ``year``) or ``part=series`` (the time series of ``economies``)."""
    if fmt not in downloads.FORMATS:
        formats = ", ".join(downloads.FORMATS)
        return problem(request, _("Downloads are offered as %(formats)s.") % {"formats": formats}, status=404)
    part = request.GET.get("part", "ranking")
    if part not in downloads.PARTS:
        message = _("part must be ranking or series, not %(value)s.") % {"value": part}
        return problem(request, message, status=400, parameter="part")
    found = _selection(request, code)
    if isinstance(found, HttpResponse):
        return found
    series, _cover, chosen = found
    breakdown, year = chosen["breakdown"], chosen["year"]
    if year is None:
        return problem(request, _("This indicator has no annual figures for economies."), status=404)
    description: dict[str, object] = {
        "indicator": series.code,
        "name": series.entry.names if series.entry else series.code,
        "unit": series.unit,
        "breakdown": dict(breakdown.codes),
        "page": request.build_absolute_uri(reverse("public:indicator", args=[series.code])),
    }
    if part == "ranking":
        rows = explorer.ranking_queryset(series.code, year, breakdown)
        description |= {"year": year, "title": f"{series.code}, {year}"}
        stem = f"{series.code}-{year}"
    else:
        ranked = [] if chosen["economies"] else explorer.ranking_rows(series, year, breakdown, Releases())
        economies = chosen["economies"] or explorer.default_economies(ranked)
        rows = explorer.series_queryset(series.code, economies, breakdown)
        description |= {"economies": economies, "title": f"{series.code}, {', '.join(economies)}"}
        stem = f"{series.code}-{'-'.join(economies)}"
    made = downloads.build(rows, fmt=fmt, stem=_safe(stem), description=description)
    response = HttpResponse(made.content, content_type=made.media_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


def _safe(stem: str) -> str:
    """A file name from an indicator code (codes hold dots and dollar signs: i154_FBB5$)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)
