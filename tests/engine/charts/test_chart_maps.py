"""The world map: real boundaries from world-atlas (vendored by `npm ci`), real values, real size."""

from __future__ import annotations

import gzip

import pytest

from tests.engine.charts.svg_reading import parse, paths, subpath_boxes, text_x
from wsis.charts import maps, render, specs

#: Page budget is 100 KB gzipped for everything; a world map may take at most this share of it.
MAP_BUDGET_GZIPPED = 40_000


def _only(iso3: str, value: float) -> str:
    spec = specs.choropleth({iso3: value}, title="t", legend_title="%", locale="fr", rtl=False)
    return render.svg(spec, locale="fr")


def _coloured(svg: str) -> list[str]:
    """The `d` of the country shapes not in the no-data grey."""
    return [
        path.get("d")
        for path in parse(svg).iter("{http://www.w3.org/2000/svg}path")
        if path.get("fill", "").startswith(("#", "rgb"))
        and path.get("fill") != specs.NO_DATA
        and path.get("stroke") == "#ffffff"
    ]


def test_france_and_brazil_are_drawn_where_they_are(internet_use) -> None:
    """Numeric world-atlas ids reach the right ISO3 codes: the shape coloured for FRA lies in Europe
    (its overseas parts aside) and the one for BRA in South America."""
    width, height = 600, 300
    (france,) = _coloured(_only("FRA", internet_use["FRA"][2022]))
    (brazil,) = _coloured(_only("BRA", internet_use["BRA"][2022]))

    def centres(d: str) -> list[tuple[float, float]]:
        return [((x0 + x1) / 2 / width, (y0 + y1) / 2 / height) for x0, y0, x1, y1 in subpath_boxes(d)]

    # Plot-relative positions on an Equal Earth world map centred on Greenwich (a small margin aside).
    assert any(0.45 < x < 0.55 and 0.15 < y < 0.35 for x, y in centres(france)), centres(france)
    assert all(0.25 < x < 0.45 and 0.45 < y < 0.8 for x, y in centres(brazil)), centres(brazil)


def test_a_real_world_map_fits_the_page_budget(internet_use) -> None:
    values = {iso3: series[2022] for iso3, series in internet_use.items() if 2022 in series}
    assert len(values) > 150
    svg = render.svg(
        specs.choropleth(values, title="Internet", legend_title="%", locale="fr", rtl=False), locale="fr"
    )
    size = len(gzip.compress(svg.encode("utf-8"), compresslevel=6))
    print(f"world choropleth, {len(values)} economies: {len(svg)} bytes, {size} bytes gzipped")
    # Measured at about 22.6 KB gzipped (Equal Earth, world-atlas 110m, one decimal, relative paths).
    assert size < MAP_BUDGET_GZIPPED
    # One shape per country drawn (no grey base layer repeated under the coloured one).
    assert len(paths(svg, stroke="#ffffff")) == len(
        maps.world_topology()["objects"]["countries"]["geometries"]
    )


def test_the_rtl_map_puts_its_legend_on_the_left(internet_use) -> None:
    values = {iso3: series[2022] for iso3, series in internet_use.items() if 2022 in series}
    spec = specs.choropleth(values, title="خريطة", legend_title="٪", locale="ar", rtl=True)
    assert spec["encoding"]["color"]["legend"]["orient"] == "left"
    svg = render.svg(spec, locale="ar")
    assert text_x(svg, "٪") < 100


def test_unknown_codes_are_named() -> None:
    with pytest.raises(ValueError, match="unknown economy codes XXX"):
        specs.choropleth({"FRA": 1.0, "XXX": 2.0}, title="t", legend_title="%", locale="fr", rtl=False)


def test_missing_boundaries_say_how_to_install_them(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WSIS_WORLD_ATLAS", str(tmp_path / "countries-110m.json"))
    with pytest.raises(maps.BoundariesMissing, match="run `npm ci`"):
        specs.choropleth({"FRA": 1.0}, title="t", legend_title="%", locale="fr", rtl=False)
