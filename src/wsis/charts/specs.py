"""Vega-Lite specifications of every chart and map of the platform, in one place.

The public pages render them to SVG on the server (wsis.charts.render) and the PDF reports will reuse
them. Every text shown (titles, axis titles, legend labels, the description read by screen readers)
comes from the caller, already translated; the specs only add the layout of the language:
right-to-left (Arabic) reverses the horizontal scales, puts the value axis on the right and the legend
on the left, and right-aligns titles. Numbers are formatted by the renderer with the locale's symbols.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from wsis.charts import maps
from wsis.charts.locales import babel_locale

Spec = dict[str, Any]

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: Series colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart also in grey scale.
PALETTE = ["#1f5a96", "#b4441c", "#2e7d32", "#6a3d9a", "#8c6d00", "#00838f", "#ad1457", "#4e5d6c"]
HIGHLIGHT = "#b4441c"
NEUTRAL = "#5b7fa6"
NO_DATA = "#eeeeee"
#: The stripes of the hatching that marks economies without a value on a map (wsis.charts.render).
NO_DATA_STRIPE = "#b0b0b0"
#: The map's colour scale, light to dark: its lightest colour still has 3:1 contrast with the white
#: page (WCAG 1.4.11, non-text contrast), so every economy with a value stands out from the background.
MAP_SCALE = ("#5f92c2", "#3f77b0", "#1f5a96", "#0b3b6f")
#: Hollow marker fill of estimated values (a visible difference that does not rely on colour alone).
HOLLOW = "#ffffff"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic', sans-serif"
TEXT = "#222222"


def _check_language(locale: str) -> None:
    babel_locale(locale)  # a clear error for an unknown language code, before any work


def _config(rtl: bool) -> Spec:
    """Shared look: small, legible fonts and no chart frame; the title on the reading side."""
    label = {"labelFont": FONT, "titleFont": FONT, "labelColor": TEXT, "titleColor": TEXT}
    return {
        "font": FONT,
        "view": {"stroke": None},
        "title": {"anchor": "end" if rtl else "start", "fontSize": 14, "color": TEXT, "font": FONT},
        "axis": {**label, "labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e3e3e3"},
        "legend": {**label, "labelFontSize": 11, "titleFontSize": 12},
        "text": {"font": FONT, "color": TEXT, "fontSize": 11},
        # The SVG gets one text alternative (title + description) at its root; marks stay silent.
        "aria": False,
    }


def _base(title: str, description: str | None, rtl: bool, **size: Any) -> Spec:
    if not title:
        raise ValueError("a chart needs a title")
    return {
        "$schema": SCHEMA,
        "title": {"text": title},
        "description": description or title,
        "config": _config(rtl),
        "usermeta": {"rtl": rtl},
        **size,
    }


def _legend_orient(rtl: bool) -> str:
    return "left" if rtl else "right"


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: value {value!r} is not a number")
    return float(value)


def _titled(text: str, unit: str | None) -> str:
    # A title that already names its unit is not given it twice ("percent (percent)").
    return f"{text} ({unit})" if unit and unit not in text else text


def _mark_status(
    values: list[dict[str, Any]], reported_label: str | None, estimated_label: str | None, chart: str
) -> bool:
    """Give each value its status label (legend text from the caller); True when any value is estimated."""
    any_estimated = any(value["estimated"] for value in values)
    if any_estimated and not (reported_label and estimated_label):
        raise ValueError(f"{chart}: some values are estimated; pass reported_label and estimated_label")
    for value in values:
        value["status"] = estimated_label if value["estimated"] else reported_label
    return any_estimated


def _status_legend(rtl: bool, symbol: str) -> Spec:
    return {
        "orient": _legend_orient(rtl),
        "symbolStrokeColor": TEXT,
        "symbolType": symbol,
        "symbolOpacity": 1,
        "title": None,
    }


def _status_key(reported_label: str | None, estimated_label: str | None, rtl: bool) -> Spec:
    """An invisible layer that only draws the legend of the outlined (estimated) bars: Vega-Lite gives no
    legend to fill opacity, and the bars' own fill already encodes the group or the highlight."""
    return {
        # No marks at all (the legend's domain is explicit): nothing invisible weighs on the page.
        "transform": [{"filter": "false"}],
        "mark": {"type": "point", "filled": True, "stroke": TEXT, "strokeWidth": 1.5},
        "encoding": {
            "fill": {
                "field": "status",
                "type": "nominal",
                "title": None,
                "scale": {"domain": [reported_label, estimated_label], "range": [TEXT, HOLLOW]},
                "legend": {**_status_legend(rtl, "square"), "symbolSize": 100},
            }
        },
    }


def time_series(
    rows: Iterable[Mapping[str, Any]],
    *,
    title: str,
    y_title: str,
    unit: str | None = None,
    locale: str,
    rtl: bool,
    description: str | None = None,
    x_title: str | None = None,
    reported_label: str | None = None,
    estimated_label: str | None = None,
    value_format: str | None = None,
    width: int = 560,
    height: int = 240,
    tooltip_labels: Mapping[str, str] | None = None,
) -> Spec:
    """Lines over the years, one per series, with a marker per value: filled when reported, hollow when
    estimated (legend labels `reported_label` / `estimated_label`, required when a value is estimated).

    rows: [{"series": str, "year": int, "value": float, "estimated": bool, "note": str (optional)}]
    tooltip_labels: translated names of "series", "year", "value" and "note" for the interactive view's
    tooltips, which then show the publisher's note of each point.
    """
    _check_language(locale)
    values: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        where = f"time_series row {number}"
        year = row.get("year")
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"{where}: year {year!r} is not an integer")
        values.append(
            {
                "series": str(row["series"]),
                "year": year,
                "value": _number(row.get("value"), where),
                "estimated": bool(row.get("estimated", False)),
                **({"note": str(row["note"])} if row.get("note") else {}),
            }
        )
    series = list(dict.fromkeys(value["series"] for value in values))
    any_estimated = _mark_status(values, reported_label, estimated_label, "time_series")
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": series, "range": PALETTE[: max(len(series), 1)]},
        # One series: its name is in the title, a legend would only take room.
        "legend": {"orient": _legend_orient(rtl)} if len(series) > 1 else None,
    }
    x = {
        "field": "year",
        "type": "quantitative",
        "title": x_title,
        "scale": {"zero": False, "nice": False, "reverse": rtl},
        "axis": {"format": "d", "tickMinStep": 1, "labelFlush": True},
    }
    y_axis: Spec = {"orient": "right" if rtl else "left", "tickCount": 5}
    if value_format:
        y_axis["format"] = value_format
    y = {"field": "value", "type": "quantitative", "title": _titled(y_title, unit), "axis": y_axis}
    point: Spec = {
        "mark": {"type": "point", "filled": False, "size": 36, "strokeWidth": 1.5, "opacity": 1},
        "encoding": {"color": colour},
    }
    if any_estimated:
        point["encoding"]["fill"] = {
            "field": "status",
            "type": "nominal",
            "title": None,
            "scale": {"domain": [reported_label, estimated_label], "range": [TEXT, HOLLOW]},
            "legend": _status_legend(rtl, "circle"),
        }
    else:
        point["mark"]["filled"] = True
    if tooltip_labels:
        point["encoding"]["tooltip"] = _tooltip(tooltip_labels, ("series", "year", "value", "note"))
    return {
        **_base(title, description, rtl, width=width, height=height),
        "data": {"values": values},
        "encoding": {"x": x, "y": y},
        "layer": [
            {"mark": {"type": "line", "strokeWidth": 2}, "encoding": {"color": colour}},
            point,
        ],
    }


def _bar_axes(x_title: str, value_format: str | None, rtl: bool) -> tuple[Spec, Spec]:
    x_axis: Spec = {"tickCount": 5}
    if value_format:
        x_axis["format"] = value_format
    x = {
        "field": "value",
        "type": "quantitative",
        "title": x_title,
        "scale": {"reverse": rtl},
        "axis": x_axis,
    }
    y = {
        "field": "label",
        "type": "nominal",
        "title": None,
        "sort": None,
        "axis": {"orient": "right" if rtl else "left", "labelLimit": 180, "ticks": False},
    }
    return x, y


def _value_labels(value_format: str | None, rtl: bool) -> Spec:
    """The value written at the end of each bar, on the reading side."""
    return {
        "mark": {
            "type": "text",
            "align": "right" if rtl else "left",
            "dx": -3 if rtl else 3,
            "baseline": "middle",
        },
        "encoding": {"text": {"field": "value", "type": "quantitative", "format": value_format or ",.4~r"}},
    }


def ranking(
    rows: Iterable[Mapping[str, Any]],
    *,
    title: str,
    x_title: str,
    locale: str,
    rtl: bool,
    description: str | None = None,
    value_format: str | None = None,
    reported_label: str | None = None,
    estimated_label: str | None = None,
    width: int = 420,
    bar_height: int = 16,
) -> Spec:
    """Horizontal bars, highest value first, the highlighted rows (e.g. the economy of the page) in colour;
    estimated values as outlined bars (legend labels required when any value is estimated).

    rows: [{"label": str, "value": float, "highlight": bool, "estimated": bool (optional)}]
    """
    _check_language(locale)
    values: list[dict[str, Any]] = [
        {
            "label": str(row["label"]),
            "value": _number(row.get("value"), f"ranking row {number}"),
            "highlight": bool(row.get("highlight", False)),
            "estimated": bool(row.get("estimated", False)),
        }
        for number, row in enumerate(rows, start=1)
    ]
    values.sort(key=lambda value: -value["value"])
    any_estimated = _mark_status(values, reported_label, estimated_label, "ranking")
    x, y = _bar_axes(x_title, value_format, rtl)
    highlight = {"test": "datum.highlight", "value": HIGHLIGHT}
    bar: Spec = {
        "mark": {"type": "bar", "height": {"band": 0.75}, "strokeWidth": 1.5},
        "encoding": {
            # Estimated values outlined only (hollow), as the markers of the time series.
            "fill": {
                "condition": [{"test": "datum.estimated", "value": HOLLOW}, highlight],
                "value": NEUTRAL,
            },
            "stroke": {"condition": highlight, "value": NEUTRAL},
        },
    }
    layers = [bar, _value_labels(value_format, rtl)]
    if any_estimated:
        layers.append(_status_key(reported_label, estimated_label, rtl))
    return {
        **_base(title, description, rtl, width=width, height=max(len(values), 1) * bar_height),
        "data": {"values": values},
        "encoding": {"x": x, "y": y},
        "layer": layers,
    }


def bars(
    rows: Iterable[Mapping[str, Any]],
    *,
    title: str,
    x_title: str,
    locale: str,
    rtl: bool,
    description: str | None = None,
    value_format: str | None = None,
    reported_label: str | None = None,
    estimated_label: str | None = None,
    width: int = 420,
    bar_height: int = 14,
) -> Spec:
    """Grouped horizontal bars: one band per label, one bar per group (IDI pillars, gender or urban/rural
    divides). Labels and groups keep the caller's order; estimated values as outlined bars (legend labels
    required when any value is estimated).

    rows: [{"label": str, "value": float, "group": str, "estimated": bool (optional)}]
    """
    _check_language(locale)
    values: list[dict[str, Any]] = [
        {
            "label": str(row["label"]),
            "value": _number(row.get("value"), f"bars row {number}"),
            "group": str(row.get("group", "")),
            "estimated": bool(row.get("estimated", False)),
        }
        for number, row in enumerate(rows, start=1)
    ]
    any_estimated = _mark_status(values, reported_label, estimated_label, "bars")
    labels = list(dict.fromkeys(value["label"] for value in values))
    groups = list(dict.fromkeys(value["group"] for value in values))
    x, y = _bar_axes(x_title, value_format, rtl)
    y["sort"] = labels
    scale = {"domain": groups, "range": PALETTE[: max(len(groups), 1)]}
    fill = {
        "field": "group",
        "type": "nominal",
        "title": None,
        "scale": scale,
        "legend": {"orient": _legend_orient(rtl)} if len(groups) > 1 else None,
    }
    bar: Spec = {
        "mark": {"type": "bar", "strokeWidth": 1.5},
        "encoding": {
            "fill": {"condition": {"test": "datum.estimated", "value": HOLLOW}, **fill},
            "stroke": {"field": "group", "type": "nominal", "scale": scale, "legend": None},
        },
    }
    layers = [bar, _value_labels(value_format, rtl)]
    if any_estimated:
        layers.append(_status_key(reported_label, estimated_label, rtl))
    offset = {"field": "group", "type": "nominal", "sort": groups}
    return {
        **_base(title, description, rtl, width=width, height=max(len(values), 1) * bar_height),
        "data": {"values": values},
        "encoding": {"x": x, "y": y, "yOffset": offset},
        "layer": layers,
        # The groups' colours and the reported/estimated key are two fill scales, with a legend each.
        "resolve": {"scale": {"fill": "independent"}, "legend": {"fill": "independent"}},
    }


def choropleth(
    values: Mapping[str, float],
    *,
    title: str,
    legend_title: str,
    locale: str,
    rtl: bool,
    description: str | None = None,
    value_format: str | None = None,
    width: int = 600,
    height: int = 300,
    notes: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    tooltip_labels: Mapping[str, str] | None = None,
) -> Spec:
    """World map, economies shaded by value (ISO3 -> value) on a colour scale whose every colour has at
    least 3:1 contrast with the page (WCAG 1.4.11); economies without a value in :data:`NO_DATA`,
    which the drawing hatches (wsis.charts.render), so "no data" is not told by a colour alone.

    notes, names: the publisher's note and the economy's name by ISO3, for the interactive view's
    tooltips (with `tooltip_labels` for "economy", "value" and "note").

    The boundaries disclaimer belongs to the page (translated), next to the map, not in the picture.
    """
    _check_language(locale)
    ids = maps.feature_ids(values)
    lookup = [
        {
            "id": ids[iso3],
            "iso3": iso3,
            "value": _number(v, f"choropleth {iso3}"),
            **({"economy": str(names[iso3])} if names and iso3 in names else {}),
            **({"note": str(notes[iso3])} if notes and notes.get(iso3) else {}),
        }
        for iso3, v in values.items()
    ]
    looked_up = ["value", *(["economy"] if names else []), *(["note"] if notes else [])]
    legend: Spec = {"orient": _legend_orient(rtl), "gradientLength": 160}
    if value_format:
        legend["format"] = value_format
    return {
        **_base(title, description, rtl, width=width, height=height),
        "projection": {"type": "equalEarth"},
        "data": {
            "values": maps.world_topology(),
            "format": {"type": "topojson", "feature": maps.COUNTRIES_OBJECT},
        },
        # One layer: every country drawn once, grey when it has no value (half the bytes of a grey base
        # layer under a coloured one).
        "transform": [
            {"lookup": "id", "from": {"data": {"values": lookup}, "key": "id", "fields": looked_up}}
        ],
        # invalid "show": countries without a value stay drawn (in grey) and keep the projection fitted to
        # the whole world, instead of being filtered out as Vega-Lite does by default.
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.4, "invalid": "show"},
        "encoding": {
            "color": {
                "condition": {"test": "!isValid(datum.value)", "value": NO_DATA},
                "field": "value",
                "type": "quantitative",
                "title": legend_title,
                "scale": {"range": list(MAP_SCALE)},
                "legend": legend,
            },
            **({"tooltip": _tooltip(tooltip_labels, ("economy", "value", "note"))} if tooltip_labels else {}),
        },
    }


def _tooltip(labels: Mapping[str, str], fields: Sequence[str]) -> list[Spec]:
    return [{"field": f, "title": labels.get(f, f)} for f in fields if f in labels]


def data_rows(spec: Spec) -> Sequence[Mapping[str, Any]]:
    """The data values a spec draws (for the choropleth: the looked-up values), e.g. for its table."""
    for step in spec.get("transform", []):
        if "lookup" in step:
            return list(step["lookup"]["from"]["data"]["values"])
    return list(spec.get("data", {}).get("values", []))


def interactive_version(spec: Spec, *, topology_url: str) -> Spec:
    """The same chart for the optional interactive view in the browser (vega-embed): tooltips on every
    mark, pan and zoom on the time axis, and the world boundaries fetched from their static URL instead of
    being inlined (the page carries this spec, so it must stay small)."""
    interactive = copy.deepcopy(spec)
    config = interactive.setdefault("config", {})
    config["mark"] = {**config.get("mark", {}), "tooltip": True}
    config["aria"] = True  # in the browser, the marks are explorable by assistive technology
    data = interactive.get("data", {})
    if data.get("format", {}).get("type") == "topojson":
        interactive["data"] = {"url": topology_url, "format": data["format"]}
    if interactive.get("encoding", {}).get("x", {}).get("field") == "year":  # a time series
        interactive["layer"][0]["params"] = [{"name": "zoom", "select": "interval", "bind": "scales"}]
    return interactive


#: Width in CSS pixels of a chart's phone layout: a 320 px screen less the page's 1rem side margins. The
#: phone layout is drawn at this size, never scaled down, so its 11-12 px texts stay 11-12 px on a phone.
PHONE_WIDTH = 288
#: A phone layout keeps bar labels short: the economy names are cut (with an ellipsis) at this width.
PHONE_LABEL_LIMIT = 96


def phone_layout(spec: Spec, width: int = PHONE_WIDTH) -> Spec:
    """The same chart laid out for a phone: ``width`` pixels wide *in total* (axes and legends included),
    legends under the plot in one column, fewer ticks and shorter bar labels.

    The wide picture would be scaled down to fit a phone screen, its 11 px labels to about 5 px; a page
    shows this layout instead on narrow screens (see ``.chart-narrow`` in site.css), at its natural size.
    """
    narrow = copy.deepcopy(spec)
    narrow["width"] = width
    # "fit-x" with "padding": the whole picture, axes and legends included, is `width` wide.
    narrow["autosize"] = {"type": "fit-x", "contains": "padding"}
    if "projection" in narrow:
        narrow["height"] = round(width * 0.5)  # Equal Earth is about twice as wide as it is tall
    _phone_legends(narrow)
    encoding = narrow.get("encoding", {})
    for channel in ("x", "y"):
        axis = encoding.get(channel, {}).get("axis")
        if isinstance(axis, dict):
            if "tickCount" in axis:
                axis["tickCount"] = min(axis["tickCount"], 3)
            if "labelLimit" in axis:
                axis["labelLimit"] = PHONE_LABEL_LIMIT
    return narrow


def _phone_legends(node: Any) -> None:
    """Every legend of a spec (layers included) under the plot, one entry a line; gradients horizontal."""
    if isinstance(node, list):
        for item in node:
            _phone_legends(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "legend" and isinstance(value, dict):
            value["orient"] = "bottom"
            if "gradientLength" in value:
                value["direction"] = "horizontal"
                value["gradientLength"] = min(value["gradientLength"], PHONE_WIDTH - 40)
            else:
                value["columns"] = 1
        else:
            _phone_legends(value)
