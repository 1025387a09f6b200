"""The phone layout of every kind of chart (wsis.charts.specs.phone_layout), rendered by vl-convert: the
whole picture fits the 288 px a 320 px screen leaves, so it is never scaled down, and no text in it is
smaller than 11 px; legends go under the plot. The wide picture, scaled to the same width, would not be
readable - which is why the pages carry both."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from wsis.charts import render, specs

SVG = "{http://www.w3.org/2000/svg}"


def _charts(lang: str, rtl: bool) -> dict[str, specs.Spec]:
    years = range(2005, 2025)
    return {
        "time_series": specs.time_series(
            [{"series": s, "year": y, "value": float(y - 2000 + i), "estimated": y > 2021} for i, s in
             enumerate(["Kenya", "République démocratique du Congo"]) for y in years],
            title="Internet", y_title="percent", locale=lang, rtl=rtl,
            reported_label="reported", estimated_label="estimated",
        ),
        "ranking": specs.ranking(
            [{"label": f"Economy with a long name {i}", "value": float(i)} for i in range(40)],
            title="Ranking", x_title="percent", locale=lang, rtl=rtl,
        ),
        "bars": specs.bars(
            [{"label": label, "value": float(n), "group": g} for n, label in enumerate(["Women", "Men"])
             for g in ("2019", "2023")],
            title="Gender", x_title="percent", locale=lang, rtl=rtl,
        ),
        "choropleth": specs.choropleth(
            {"KEN": 35.0, "FRA": 86.0, "BRA": 81.0}, title="Map", legend_title="percent", locale=lang, rtl=rtl
        ),
    }  # fmt: skip


def _size(svg: str) -> tuple[float, list[float]]:
    root = etree.fromstring(svg.encode())
    fonts = [float(re.sub("px$", "", t.get("font-size", "0"))) for t in root.iter(f"{SVG}text") if t.text]
    return float(root.get("width")), fonts


@pytest.mark.parametrize(("lang", "rtl"), [("en", False), ("ar", True)])
def test_phone_layouts_fit_288_px_with_text_of_11_px_or_more(lang, rtl):
    for kind, spec in _charts(lang, rtl).items():
        wide_width, wide_fonts = _size(render.svg(spec, locale=lang))
        width, fonts = _size(render.svg(specs.phone_layout(spec), locale=lang, css_class="chart-narrow"))
        assert width == specs.PHONE_WIDTH, f"{kind}: the phone layout is {width} px wide"
        assert fonts and min(fonts) >= 11, f"{kind}: texts of {min(fonts)} px"
        # The wide picture shrunk to a phone: what the pages showed before.
        assert min(wide_fonts) * specs.PHONE_WIDTH / wide_width < 8, kind


def test_phone_layout_puts_legends_under_the_plot_and_keeps_the_wide_spec():
    spec = _charts("en", False)["time_series"]
    before = repr(spec)
    narrow = specs.phone_layout(spec)
    assert repr(spec) == before, "the wide spec is left as it was"
    legends = re.findall(r"'legend': \{[^}]*\}", repr(narrow))
    assert legends and all("'orient': 'bottom'" in legend for legend in legends)
    assert narrow["autosize"] == {"type": "fit-x", "contains": "padding"}
