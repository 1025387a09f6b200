"""The indicator map: a year slider that is plain links without JavaScript (and a small same-origin script
that animates it), a larger map, economies without a figure hatched, and a colour scale whose every colour
has at least 3:1 contrast with the page background (WCAG 1.4.11)."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from django.test import Client

from wsis.charts import specs

SITE_CSS = Path(__file__).parents[2] / "src/wsis/static/css/site.css"
JS = Path(__file__).parents[2] / "src/wsis/static/js/map-years.js"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _background() -> str:
    """The page background the stylesheet sets (white when it sets none)."""
    found = re.search(r"--bg:\s*(#[0-9a-fA-F]{6})", SITE_CSS.read_text())
    return found.group(1) if found else "#ffffff"


def _hex(fill: str) -> str:
    if fill.startswith("rgb"):
        r, g, b = (int(float(x)) for x in re.findall(r"[\d.]+", fill)[:3])
        return f"#{r:02x}{g:02x}{b:02x}"
    return fill if len(fill) == 7 else "#" + "".join(c * 2 for c in fill[1:])


def test_every_colour_of_the_map_scale_has_3_to_1_contrast_with_the_page() -> None:
    ratios = {c: contrast(c, _background()) for c in specs.MAP_SCALE}
    assert all(r >= 3 for r in ratios.values()), ratios
    # The scale runs light to dark, so the colours between two stops are as dark as the lighter one.
    luminances = [_luminance(c) for c in specs.MAP_SCALE]
    assert luminances == sorted(luminances, reverse=True)
    assert contrast("#6f9fcb", "#ffffff") < 3  # the check can fail: the old lightest blue would


@pytest.mark.django_db
def test_year_links_work_without_javascript(client: Client, site_data) -> None:
    from wsis.apps.warehouse.models import Observation

    years = sorted(
        set(
            Observation.objects.filter(
                indicator="i99H", is_latest=True, area_kind="economy", sex="_T", age="_T", urbanisation="_T"
            ).values_list("period", flat=True)
        )
    )
    doc = lxml.html.fromstring(client.get("/en/indicators/i99H/?year=2021&economies=KEN").content.decode())
    links = doc.xpath("//nav[@class='map-years']//a")
    assert [a.text_content() for a in links] == [y for y in years if y.isdigit()]
    current = doc.xpath("//nav[@class='map-years']//a[@aria-current='page']")
    assert [a.text_content() for a in current] == ["2021"]
    href = next(a.get("href") for a in links if a.text_content() == "2015")
    assert href == "?economies=KEN&year=2015#map-heading"
    other = lxml.html.fromstring(client.get("/en/indicators/i99H/" + href.split("#")[0]).content.decode())
    assert "2015" in other.xpath("//section[@aria-labelledby='map-heading']//figcaption")[0].text_content()
    # The animation is a file of our own, loaded by URL: no inline script on the page.
    scripts = doc.xpath("//script[not(@type='application/json')]")
    assert all(s.get("src") for s in scripts)
    assert any(s.get("src").startswith("/static/js/map-years") for s in scripts)
    assert "fetch(" in JS.read_text() and "range" in JS.read_text()


@pytest.mark.django_db
def test_the_map_is_larger_hatches_missing_figures_and_keeps_its_colours_readable(
    client: Client, site_data
) -> None:
    doc = lxml.html.fromstring(client.get("/en/indicators/i99H/?year=2021").content.decode())
    src = doc.xpath("//section[@aria-labelledby='map-heading']//img/@src")[0]
    svg = lxml.etree.fromstring(client.get(src).content)
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert float(svg.get("width")) > 760  # the map itself, legend aside, is 760 px wide
    patterns = svg.xpath("//s:pattern", namespaces=ns)
    assert len(patterns) == 1 and patterns[0].get("id").endswith("-no-data")
    shapes = svg.xpath("//s:path[@stroke='#ffffff']", namespaces=ns)
    hatched = [p for p in shapes if p.get("fill") == f"url(#{patterns[0].get('id')})"]
    coloured = [p for p in shapes if p not in hatched]
    assert hatched and len(coloured) > 150
    background = _background()
    weakest = min(contrast(_hex(p.get("fill")), background) for p in coloured)
    assert weakest >= 3, weakest
