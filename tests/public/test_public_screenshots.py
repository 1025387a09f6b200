"""Screenshots of the Arabic economy profile and the French indicator page with its world map, taken by
Debian's chromium on real data, saved under test-artifacts/ (ignored by git; CI keeps them) and inspected:

- the screenshots are not blank (pixel variance, several colours);
- in Arabic the page is laid out right-to-left: the headline figures run from right to left;
- Arabic and Chinese text is drawn with fonts that have the glyphs (no empty boxes): chromium reports which
  platform font drew each node;
- the map is an inline SVG that is visible, of a useful size, with many shapes in several colours.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest

from tests.public.pages import BY_NAME

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 900}
#: The headline figures of the economy profile: its first table (the key indicators, latest figures).
HEADLINE_TABLE = "main table >> nth=0"
#: Charts are images in figure.chart (public/_chart.html), their drawings at their own URLs; the map is
#: the one with the most shapes.
CHART_IMAGES = "figure.chart .chart-image img"
#: The number of shapes in the drawing an image shows (read from its URL), 0 if the image did not load.
SHAPES = """async (img) => img.naturalWidth
  ? (await (await fetch(img.currentSrc)).text()).split('<path').length - 1 : 0"""


def image_stats(png: bytes) -> tuple[float, int]:
    """(standard deviation of the grey levels, number of distinct colours) of a screenshot."""
    from PIL import Image, ImageStat

    image = Image.open(BytesIO(png)).convert("RGB")
    grey = ImageStat.Stat(image.convert("L"))
    colours = image.getcolors(maxcolors=1 << 20) or []
    return grey.stddev[0], len(colours)


def platform_fonts(page, selector: str) -> set[str]:
    """The fonts chromium actually used to draw the text of the first node matching ``selector``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no {selector} on the page"
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {f["familyName"] for f in fonts if f["glyphCount"] > 0}


def open_page(browser, url: str, shot: str):
    page = browser.new_page(viewport=VIEWPORT)
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url
    ARTIFACTS.mkdir(exist_ok=True)
    png = page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    spread, colours = image_stats(png)
    assert spread > 20 and colours > 50, f"{shot} looks blank: grey stddev {spread:.1f}, {colours} colours"
    return page


# The mark makes pytest-django create the test database; the pages are read through `site_server`.
@pytest.mark.django_db
def test_arabic_economy_profile_runs_right_to_left(site_server, browser):
    page = open_page(browser, site_server + BY_NAME["economy"].path("ar"), "economy-ar.png")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    table = page.locator(HEADLINE_TABLE)
    headers = table.locator("thead th")
    starts = [headers.nth(i).bounding_box()["x"] for i in range(headers.count())]
    assert len(starts) >= 3, f"the headline table has columns: {starts}"
    assert starts == sorted(starts, reverse=True), f"headline columns not right-to-left: x = {starts}"
    first = table.locator("tbody tr").first
    name, value = first.locator("th").bounding_box(), first.locator("td").first.bounding_box()
    assert name["x"] > value["x"], "each figure's name is on the right of its value"
    assert name["x"] + name["width"] > VIEWPORT["width"] / 2, "the table starts on the right"

    arabic = platform_fonts(page, "h1")
    assert any(re.search("arab|naskh|kufi", f, re.I) for f in arabic), f"Arabic drawn with {arabic}"
    chinese = platform_fonts(page, "a[lang=zh-hans]")
    assert any(re.search("cjk|hei|song|wqy", f, re.I) for f in chinese), f"Chinese drawn with {chinese}"


# The mark makes pytest-django create the test database; the pages are read through `site_server`.
@pytest.mark.django_db
def test_french_indicator_page_shows_the_world_map(site_server, browser):
    page = open_page(browser, site_server + BY_NAME["indicator"].path("fr"), "indicator-fr.png")
    images = page.locator(CHART_IMAGES)
    shapes = [images.nth(i).evaluate(SHAPES) for i in range(images.count())]
    assert shapes, "the indicator page shows no chart"
    world = images.nth(shapes.index(max(shapes)))
    assert max(shapes) >= 100, f"a world map draws the economies: at most {max(shapes)} shapes in a chart"
    world.scroll_into_view_if_needed()
    assert world.is_visible(), "the map is not visible"
    box = world.bounding_box()
    assert box and box["width"] >= 400 and box["height"] >= 200, f"map too small: {box}"

    png = world.screenshot(path=str(ARTIFACTS / "indicator-fr-map.png"))
    spread, colours = image_stats(png)
    assert spread > 10 and colours >= 5, f"the map looks empty: stddev {spread:.1f}, {colours} colours"
