"""The SVG the pages inline: one text alternative, unique ids, trimmed markup."""

from __future__ import annotations

import re

import vl_convert

from tests.engine.charts.svg_reading import NS, parse, subpaths
from wsis.charts import render, specs


def _map(internet_use, year: int = 2022) -> dict:
    values = {iso3: series[year] for iso3, series in internet_use.items() if year in series}
    return specs.choropleth(values, title="Carte", legend_title="%", locale="fr", rtl=False)


def test_svg_is_an_image_with_its_title_and_description(internet_use) -> None:
    spec = specs.ranking(
        [{"label": "FRA", "value": internet_use["FRA"][2022], "highlight": True}],
        title="Utilisation d'Internet",
        description="La France se classe première <sur> une économie.",
        x_title="%",
        locale="fr",
        rtl=False,
    )
    root = parse(render.svg(spec, locale="fr", id_prefix="chart-a"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-a-title chart-a-desc"
    assert root.find(f"{NS}title").text == "Utilisation d'Internet"
    assert (
        root.find(f"{NS}desc").text == "La France se classe première <sur> une économie."
    )  # escaped, parsed back
    # Marks carry no ARIA of their own: the chart is one image for assistive technology.
    assert not [e for e in root.iter() if e is not root and (e.get("role") or e.get("aria-label"))]


def test_ids_do_not_collide_between_charts_on_a_page(internet_use) -> None:
    """A continuous legend (gradient) and clip paths carry ids; two maps inline must keep theirs apart."""
    spec = _map(internet_use)
    first, second = (
        render.svg(spec, locale="fr", id_prefix="m1"),
        render.svg(spec, locale="fr", id_prefix="m2"),
    )
    ids_first = {e.get("id") for e in parse(first).iter() if e.get("id")}
    ids_second = {e.get("id") for e in parse(second).iter() if e.get("id")}
    assert len(ids_first) > 2  # title, desc and at least the legend gradient
    assert not ids_first & ids_second
    # Every reference points at an id of the same chart.
    for svg, ids in ((first, ids_first), (second, ids_second)):
        for reference in re.findall(r"url\(#([^)]+)\)", svg):
            assert reference in ids


def test_markup_is_trimmed(internet_use) -> None:
    svg = render.svg(_map(internet_use), locale="fr")
    root = parse(svg)
    assert not [e for e in root.iter() if e.get("class")]
    for element in root.iter(f"{NS}path"):
        d = element.get("d", "")
        assert not re.search(r"\d\.\d\d", d), f"coordinates with more than one decimal: {d[:80]}"
    assert not svg.startswith("<?xml")


def test_arabic_texts_keep_their_reading_order_in_a_left_to_right_svg(internet_use) -> None:
    """Vega anchors texts for left-to-right layout, so the SVG declares direction="ltr" (an Arabic page
    would otherwise flip "start" and "end"), and each Arabic text is a right-to-left embedding so that
    "النسبة (%)" keeps its parentheses in place."""
    rows = [
        {"series": "مصر", "year": year, "value": internet_use["EGY"][year], "estimated": False}
        for year in (2020, 2021)
    ]
    spec = specs.time_series(rows, title="الإنترنت", y_title="النسبة", unit="%", locale="ar", rtl=True)
    root = parse(render.svg(spec, locale="ar"))
    assert root.get("direction") == "ltr"
    texts = {"".join(text.itertext()) for text in root.iter(f"{NS}text")}
    assert "\u202bالنسبة (%)\u202c" in texts
    assert "2020" in texts  # numbers are left alone
    # The accessible name is plain text.
    assert root.find(f"{NS}title").text == "الإنترنت"
    # A left-to-right chart has no embedding marks.
    french = specs.time_series(rows, title="Internet", y_title="Part", unit="%", locale="fr", rtl=False)
    assert "\u202b" not in render.svg(french, locale="fr").replace("مصر", "")


def test_compact_paths_draw_the_same_shapes(internet_use) -> None:
    """The rewritten paths (relative steps, one decimal, implicit commands) land within a twentieth of a
    pixel of Vega's own points, for every country of a real map."""
    spec = _map(internet_use)
    raw = parse(vl_convert.vegalite_to_svg(spec))
    compact = parse(render.svg(spec, locale="en"))
    shapes = [p.get("d") for p in raw.iter(f"{NS}path") if p.get("stroke") == "#ffffff"]
    rewritten = [p.get("d") for p in compact.iter(f"{NS}path") if p.get("stroke") == "#ffffff"]
    assert len(shapes) == len(rewritten) > 150
    for before, after in zip(shapes, rewritten, strict=True):
        original, redrawn = subpaths(before), subpaths(after)
        assert len(original) == len(redrawn)
        for points, again in zip(original, redrawn, strict=True):
            # Points that rounded onto their predecessor were dropped: compare each kept point with the
            # original point it stands for.
            kept = iter(again)
            expected = next(kept)
            for x, y in points:
                if abs(x - expected[0]) <= 0.051 and abs(y - expected[1]) <= 0.051:
                    expected = next(kept, expected)
            assert next(kept, None) is None, "a rewritten point matches no original point"
