"""The Vega-Lite specs, checked on the rendered picture: right-to-left layout, locale number formats,
the estimated-value marker, and no text that the caller did not give."""

from __future__ import annotations

import re

import pytest

from tests.engine.charts.svg_reading import paths, text_x, texts
from wsis.charts import render, specs
from wsis.charts.specs import HOLLOW

FRENCH = {"reported_label": "déclaré", "estimated_label": "estimé"}
ARABIC = {"reported_label": "مبلغ عنه", "estimated_label": "تقدير"}


def _series(internet_use, iso3: str, years: range, estimated_from: int) -> list[dict]:
    values = internet_use[iso3]
    return [
        {"series": iso3, "year": year, "value": values[year], "estimated": year >= estimated_from}
        for year in years
        if year in values
    ]


def test_arabic_time_series_reads_right_to_left(internet_use) -> None:
    rows = _series(internet_use, "EGY", range(2012, 2023), estimated_from=2021)
    ltr = specs.time_series(rows, title="Internet", y_title="%", locale="en", rtl=False, **FRENCH)
    rtl = specs.time_series(rows, title="الإنترنت", y_title="%", locale="ar", rtl=True, **ARABIC)
    assert (
        ltr["encoding"]["x"]["scale"]["reverse"] is False and rtl["encoding"]["x"]["scale"]["reverse"] is True
    )
    assert (
        rtl["encoding"]["y"]["axis"]["orient"] == "right" and ltr["encoding"]["y"]["axis"]["orient"] == "left"
    )
    assert rtl["config"]["title"]["anchor"] == "end"

    ltr_svg, rtl_svg = render.svg(ltr, locale="en"), render.svg(rtl, locale="ar")
    # Time runs left to right in English and right to left in Arabic.
    assert text_x(ltr_svg, "2012") < text_x(ltr_svg, "2022")
    assert text_x(rtl_svg, "2012") > text_x(rtl_svg, "2022")
    # The value axis (its labels) sits on the right in Arabic, the legend on the left of the plot.
    plot_middle = text_x(rtl_svg, "2017")
    assert text_x(rtl_svg, "40") > text_x(rtl_svg, "2012")
    assert text_x(ltr_svg, "40") < text_x(ltr_svg, "2012")
    assert (
        text_x(rtl_svg, ARABIC["estimated_label"]) < plot_middle < text_x(ltr_svg, FRENCH["estimated_label"])
    )
    # The title on the reading side.
    assert text_x(rtl_svg, "الإنترنت") > plot_middle > text_x(ltr_svg, "Internet")


def test_ranking_bars_grow_from_the_reading_side(internet_use) -> None:
    rows = [
        {"label": iso3, "value": internet_use[iso3][2022], "highlight": iso3 == "FRA"}
        for iso3 in ("FRA", "DEU", "BRA", "EGY", "NGA")
    ]
    svg_ltr = render.svg(specs.ranking(rows, title="Rang", x_title="%", locale="fr", rtl=False), locale="fr")
    svg_rtl = render.svg(specs.ranking(rows, title="ترتيب", x_title="%", locale="ar", rtl=True), locale="ar")
    # Economy names on the left in French, on the right in Arabic; the zero of the axis beside them.
    assert text_x(svg_ltr, "FRA") < text_x(svg_ltr, "0") < text_x(svg_ltr, "80")
    assert text_x(svg_rtl, "FRA") > text_x(svg_rtl, "0") > text_x(svg_rtl, "80")
    # Highest first, and the highlighted economy in its own colour.
    order = [
        text.text
        for text in sorted(texts(svg_ltr), key=lambda t: t.y)
        if text.text in {r["label"] for r in rows}
    ]
    assert order == sorted((r["label"] for r in rows), key=lambda iso3: -internet_use[iso3][2022])
    assert len(paths(svg_ltr, fill=specs.HIGHLIGHT)) == 1


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fr", "85,3"), ("en", "85.3"), ("es", "85,3"), ("ru", "85,3"), ("zh-hans", "85.3"), ("ar", "85.3")],
)
def test_numbers_follow_the_locale(internet_use, locale: str, expected: str) -> None:
    value = internet_use["FRA"][2022]
    assert f"{value:.1f}" == "85.3"
    spec = specs.ranking(
        [{"label": "FRA", "value": value, "highlight": True}],
        title="t",
        x_title="x",
        locale=locale,
        rtl=False,
        value_format=",.1f",
    )
    shown = {text.text for text in texts(render.svg(spec, locale=locale))}
    assert expected in shown


def test_thousands_use_the_locale_group_separator() -> None:
    spec = specs.bars(
        [{"label": "a", "value": 1234567.5, "group": "g"}],
        title="t",
        x_title="x",
        locale="fr",
        rtl=False,
        value_format=",.1f",
    )
    shown = {text.text for text in texts(render.svg(spec, locale="fr"))}
    assert "1\u202f234\u202f567,5" in shown  # CLDR French: narrow no-break space, decimal comma


def test_estimated_values_are_hollow_and_named_by_the_caller(internet_use) -> None:
    rows = _series(internet_use, "FRA", range(2015, 2023), estimated_from=2021)
    estimated = sum(row["estimated"] for row in rows)
    assert estimated == 2
    svg = render.svg(
        specs.time_series(rows, title="t", y_title="%", locale="fr", rtl=False, **FRENCH), locale="fr"
    )
    shown = {text.text for text in texts(svg)}
    assert {"déclaré", "estimé"} <= shown
    # One hollow marker per estimated value, plus the one of the legend.
    assert len(paths(svg, fill=HOLLOW)) == estimated + 1

    everything_reported = [dict(row, estimated=False) for row in rows]
    plain = render.svg(
        specs.time_series(everything_reported, title="t", y_title="%", locale="fr", rtl=False), locale="fr"
    )
    assert not paths(plain, fill=HOLLOW)


def test_estimated_bars_are_outlined_and_named_by_the_caller(internet_use) -> None:
    economies = ("FRA", "DEU", "BRA", "EGY", "NGA")
    ranking_rows = [
        {
            "label": iso3,
            "value": internet_use[iso3][2022],
            "highlight": iso3 == "EGY",
            "estimated": iso3 in {"EGY", "NGA"},
        }
        for iso3 in economies
    ]
    bar_rows = [
        {"label": iso3, "value": internet_use[iso3][year], "group": str(year), "estimated": year == 2022}
        for iso3 in ("FRA", "BRA")
        for year in (2021, 2022)
    ]
    for spec, estimated in (
        (specs.ranking(ranking_rows, title="t", x_title="%", locale="fr", rtl=False, **FRENCH), 2),
        (specs.bars(bar_rows, title="t", x_title="%", locale="fr", rtl=False, **FRENCH), 2),
    ):
        svg = render.svg(spec, locale="fr")
        assert {"déclaré", "estimé"} <= {text.text for text in texts(svg)}
        assert len(paths(svg, fill=HOLLOW)) == estimated + 1  # the bars, and the legend's symbol
    # The highlighted economy keeps its colour on the outline of its estimated bar.
    ranking_svg = render.svg(
        specs.ranking(ranking_rows, title="t", x_title="%", locale="fr", rtl=False, **FRENCH), locale="fr"
    )
    assert len(paths(ranking_svg, fill=HOLLOW, stroke=specs.HIGHLIGHT)) == 1
    with pytest.raises(ValueError, match="ranking: some values are estimated"):
        specs.ranking(ranking_rows, title="t", x_title="%", locale="fr", rtl=False)


def test_estimated_values_need_their_legend_labels(internet_use) -> None:
    rows = _series(internet_use, "FRA", range(2019, 2023), estimated_from=2022)
    with pytest.raises(ValueError, match="estimated_label"):
        specs.time_series(rows, title="t", y_title="%", locale="fr", rtl=False)


def test_every_text_comes_from_the_caller(internet_use) -> None:
    """No English default (field names, "value", "year") leaks into a French chart."""
    rows = _series(internet_use, "FRA", range(2015, 2023), estimated_from=2022)
    rows += _series(internet_use, "DEU", range(2015, 2023), estimated_from=2030)
    spec = specs.time_series(
        rows, title="Utilisation d'Internet", y_title="Part", unit="%", locale="fr", rtl=False, **FRENCH
    )
    given = {"Utilisation d'Internet", "Part (%)", "FRA", "DEU", *FRENCH.values()}
    for text in texts(render.svg(spec, locale="fr")):
        assert text.text in given or re.fullmatch(r"\d+(,\d+)?", text.text), f"unexpected text {text.text!r}"


def test_bad_rows_are_refused_with_their_place() -> None:
    with pytest.raises(ValueError, match="row 2: value 'n/a' is not a number"):
        specs.bars(
            [{"label": "a", "value": 1.0, "group": "g"}, {"label": "b", "value": "n/a", "group": "g"}],
            title="t",
            x_title="x",
            locale="fr",
            rtl=False,
        )
    with pytest.raises(ValueError, match="unknown chart locale 'xx-nope'"):
        specs.ranking([], title="t", x_title="x", locale="xx-nope", rtl=False)
