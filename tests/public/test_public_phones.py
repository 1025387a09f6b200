"""Phones first, in Debian's chromium on the real data: at 320 and 390 CSS px wide, no public page type
scrolls sideways in any of the six languages (WCAG 1.4.10 reflow), and every chart text shown is at
least 11 px high as drawn (font size times the SVG's scale on screen). Phone screenshots of every page
type in the six languages are saved to test-artifacts/phone-{page}-{language}.png.

The check must be able to fail: the same measures, on a real page with the phone layout switched off
(the wide charts and plain tables of before), find the sideways scroll and the 5 px labels.
"""

from __future__ import annotations

import pytest

from tests.public.pages import BY_NAME, PAGE_TYPES
from tests.public.test_public_screenshots import ARTIFACTS, image_stats
from tests.web.conftest import LANGUAGES

WIDTHS = (320, 390)
MIN_CHART_TEXT_PX = 11
#: What the page looks like on a phone: page width, and the smallest chart text drawn (with an example).
#: A chart is an image (<picture>: the phone layout below 40rem): the drawing the screen chose is read
#: from its URL, and each text's size is its font size times the image's scale on screen.
MEASURE = """async () => {
  const texts = [];
  let charts = 0;
  for (const img of document.querySelectorAll('.chart-image img')) {
    if (!img.getClientRects().length) continue;
    charts += 1;
    const chosen = [...img.parentElement.querySelectorAll('source')]
      .find((source) => window.matchMedia(source.media).matches);
    const url = chosen ? chosen.srcset : img.getAttribute('src');
    const svg = new DOMParser().parseFromString(await (await fetch(url)).text(), 'image/svg+xml')
      .documentElement;
    const scale = img.getBoundingClientRect().width / parseFloat(svg.getAttribute('width'));
    for (const text of svg.querySelectorAll('text')) {
      if (!text.textContent.trim()) continue;
      let node = text, size = null;
      while (node && node.getAttribute && !size) {
        size = node.getAttribute('font-size');
        node = node.parentNode;
      }
      texts.push([parseFloat(size || '16') * scale, text.textContent.trim().slice(0, 40)]);
    }
  }
  texts.sort((a, b) => a[0] - b[0]);
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth,
          charts: charts, smallest: texts[0] || null};
}"""
#: The layout of before: wide charts only, tables that do not scroll inside themselves.
WITHOUT_PHONE_LAYOUT = (
    "main table { display: table !important; }"
    "main, th, td, dd, li, p, figcaption, caption { overflow-wrap: normal !important; }"
)
#: ... and without the phone drawing: the <picture>'s phone source removed.
WITHOUT_PHONE_DRAWING = "() => document.querySelectorAll('.chart-image source').forEach((s) => s.remove())"


def _measure(page, url: str) -> dict:
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url
    return page.evaluate(MEASURE)


def _problems(url: str, width: int, seen: dict) -> list[str]:
    problems = []
    if seen["scrollWidth"] > seen["innerWidth"]:
        problems.append(f"{url} at {width} px scrolls sideways: the page is {seen['scrollWidth']} px wide")
    if seen["smallest"] and seen["smallest"][0] < MIN_CHART_TEXT_PX:
        size, text = seen["smallest"]
        problems.append(f"{url} at {width} px: chart text {text!r} drawn {size:.1f} px high")
    return problems


# The mark makes pytest-django create the test database; the pages are read through `site_server`.
@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_scrolls_sideways_and_chart_text_is_readable_on_phones(site_server, browser, lang):
    problems: list[str] = []
    charts = 0
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 800})
        for page_type in PAGE_TYPES:
            url = site_server + page_type.path(lang)
            seen = _measure(page, url)
            charts += seen["charts"]
            problems += _problems(url, width, seen)
            if width == 390:
                ARTIFACTS.mkdir(exist_ok=True)
                shot = ARTIFACTS / f"phone-{page_type.name}-{lang}.png"
                spread, colours = image_stats(page.screenshot(path=str(shot), full_page=True))
                assert spread > 10 and colours > 20, f"{shot.name} looks blank"
        page.close()
    assert charts, "no chart text was measured: the pages show no chart?"
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_phone_check_finds_the_layout_of_before(site_server, browser):
    # bypass_csp: the site's Content-Security-Policy forbids the inline style the test adds.
    page = browser.new_page(viewport={"width": 320, "height": 800}, bypass_csp=True)
    url = site_server + BY_NAME["economy"].path("fr")
    assert _problems(url, 320, _measure(page, url)) == []
    page.add_style_tag(content=WITHOUT_PHONE_LAYOUT)
    page.evaluate(WITHOUT_PHONE_DRAWING)
    page.wait_for_load_state("networkidle")
    problems = _problems(url, 320, page.evaluate(MEASURE))
    assert any("scrolls sideways" in p for p in problems), problems
    assert any("chart text" in p for p in problems), problems
