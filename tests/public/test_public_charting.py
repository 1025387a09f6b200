"""Charts on the public pages (wsis.apps.public.charting and public/_chart.html), on the real imported data:
the rendered-SVG cache follows the data releases, and the data table shows the numbers the chart draws."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.numbers import format_decimal, parse_decimal
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from lxml import html

from wsis.apps.public import charting
from wsis.charts import specs

pytestmark = pytest.mark.django_db

ECONOMIES = ("FRA", "EGY", "BRA")


def _internet_use() -> tuple[list[dict], list[int]]:
    """Individuals using the Internet (ITU i99H) for a few economies, as stored by the warehouse."""
    from wsis.apps.warehouse.models import Observation

    observations = Observation.objects.filter(
        indicator="i99H", area__in=ECONOMIES, sex="_T", age="_T", urbanisation="_T", is_latest=True
    ).order_by("area", "period")
    rows = [
        {"series": o.area, "year": int(o.period), "value": o.value, "estimated": o.nature != "reported"}
        for o in observations
        if o.period.isdigit() and int(o.period) >= 2015
    ]
    assert {row["series"] for row in rows} == set(ECONOMIES), "i99H should cover the three economies"
    return rows, sorted({o.release_id for o in observations})


def _block(rows, releases, language: str) -> tuple[dict, charting.ChartBlock]:
    with translation.override(language):
        spec = specs.time_series(
            rows,
            title="Utilisation d'Internet",
            y_title="Part de la population",
            unit="%",
            reported_label="déclaré",
            estimated_label="estimé",
            **charting.chart_locale(),
        )
        block = charting.chart_block(
            spec,
            title="Utilisation d'Internet",
            description="Part de la population utilisant Internet, 2015 et après.",
            columns=["Économie", "Année", "Valeur"],
            rows=[[row["series"], row["year"], row["value"]] for row in rows],
            releases=releases,
            download_url="/fr/indicators/i99H/data.csv",
        )
    return spec, block


def test_the_table_shows_the_numbers_the_chart_draws(site_data, client) -> None:
    rows, releases = _internet_use()
    spec, block = _block(rows, releases, "fr")
    with translation.override("fr"):
        page = html.fragment_fromstring(render_to_string("public/_chart.html", {"chart": block}))
    assert page.tag == "figure"
    assert page.find("figcaption").text_content() == "Utilisation d'Internet"
    # The drawing is an image of its own: the wide layout, and the phone layout below 40rem.
    image = page.find(".//picture//img")  # libxml2 nests it: it does not know <source> is void
    assert image.get("alt") == "Part de la population utilisant Internet, 2015 et après."
    assert image.get("src") == block.wide_url and "-wide.svg" in block.wide_url
    source = page.find(".//picture//source")
    assert source.get("srcset") == block.phone_url and source.get("media") == "(max-width: 40rem)"
    answer = client.get(image.get("src"))
    assert answer.status_code == 200 and answer["Content-Type"].startswith("image/svg+xml")
    assert "immutable" in answer["Cache-Control"]
    svg = html.fromstring(answer.content)
    assert svg is not None and svg.get("role") == "img"
    # The caption names the chart; the picture keeps the title as its accessible name, not drawn twice.
    assert svg.find("title").text_content() == "Utilisation d'Internet"
    assert "Utilisation d'Internet" not in [text.text_content() for text in svg.iter("text")]
    table = page.find(".//details/table")
    assert table.find("caption").text_content() == "Utilisation d'Internet"
    assert [th.get("scope") for th in table.findall("thead/tr/th")] == ["col"] * 3
    shown = []
    for tr in table.findall("tbody/tr"):
        header, year, value = tr.getchildren()
        assert header.tag == "th" and header.get("scope") == "row"
        # French numbers: decimal comma, read back with the French locale.
        shown.append(
            (header.text_content(), int(year.text_content()), parse_decimal(value.text_content(), "fr"))
        )
    drawn = [(r["series"], r["year"], r["value"]) for r in specs.data_rows(spec)]
    assert len(shown) == len(drawn) == len(rows)
    for (economy, year, value), (economy_drawn, year_drawn, value_drawn) in zip(shown, drawn, strict=True):
        assert (economy, year) == (economy_drawn, year_drawn)
        assert float(value) == pytest.approx(value_drawn, abs=0.0006)  # Babel: three decimals, half-even
    assert any("," in td.text_content() for td in table.findall("tbody/tr/td"))
    assert page.find(".//a[@download]").get("href") == "/fr/indicators/i99H/data.csv"


def test_a_new_release_invalidates_the_rendered_chart(site_data) -> None:
    from wsis.apps.warehouse.models import Release

    rows, releases = _internet_use()
    with translation.override("fr"):
        spec = specs.time_series(
            rows, title="t", y_title="%", reported_label="r", estimated_label="e", **charting.chart_locale()
        )
    key = charting.cache_key(spec, "fr", releases)
    cache = charting.chart_cache()
    cache.delete(key)
    _, first = _block(rows, releases, "fr")
    # The same chart again is served from the cache (marked here to tell it apart from a fresh render).
    cached_key = charting.cache_key(_block(rows, releases, "fr")[0], "fr", releases) + ":wide"
    assert cache.get(cached_key) == str(first.svg)
    cache.set(cached_key, "<svg>from the cache</svg>")
    assert str(_block(rows, releases, "fr")[1].svg) == "<svg>from the cache</svg>"
    # Another language is another picture.
    assert str(_block(rows, releases, "ar")[1].svg) != "<svg>from the cache</svg>"
    # A new release of the same publisher: a new key, so the chart is drawn again.
    itu = Release.objects.get(pk=releases[0])
    newer = Release.objects.create(
        publisher=itu.publisher,
        name=f"{itu.name} (revised)",
        date=itu.date + dt.timedelta(days=30),
        origin="test",
        checksum="0" * 64,
    )
    renewed = _block(rows, [*releases, newer.pk], "fr")[1]
    assert str(renewed.svg).startswith("<svg") and "from the cache" not in str(renewed.svg)
    assert renewed.id != first.id


def test_arabic_charts_are_laid_out_right_to_left(site_data) -> None:
    from tests.engine.charts.svg_reading import text_x

    rows, releases = _internet_use()
    with translation.override("ar"):
        assert charting.chart_locale() == {"locale": "ar", "rtl": True}
    spec, block = _block(rows, releases, "ar")
    years = sorted({row["year"] for row in rows})
    # Earliest year on the right.
    assert text_x(str(block.svg), str(years[0])) > text_x(str(block.svg), str(years[-1]))
    # The table's numbers in the Arabic locale of CLDR (Babel), as the rest of the page.
    assert [cell.text for cell in block.rows[0]][1:] == [
        str(rows[0]["year"]),
        format_decimal(rows[0]["value"], locale="ar"),
    ]


def test_a_table_row_of_the_wrong_length_is_refused(site_data) -> None:
    rows, releases = _internet_use()
    spec, _ = _block(rows, releases, "en")
    with pytest.raises(ValueError, match="table row 2 has 2 cells for 3 columns"):
        charting.chart_block(
            spec,
            title="t",
            description="d",
            columns=["a", "b", "c"],
            rows=[[1, 2, 3], [1, 2]],
            releases=releases,
        )


def _two_interactive_charts():
    """A French time series and world map, both with their interactive version (database reads)."""
    from wsis.apps.warehouse.models import Observation

    rows, releases = _internet_use()
    latest = {
        o.area: o.value
        for o in Observation.objects.filter(
            indicator="i99H", area_kind="economy", period="2022", sex="_T", age="_T", urbanisation="_T"
        )
    }
    assert len(latest) > 100, "i99H 2022 should cover most economies"
    with translation.override("fr"):
        series = specs.time_series(
            rows,
            title="Internet",
            y_title="%",
            reported_label="r",
            estimated_label="e",
            **charting.chart_locale(),
        )
        world = specs.choropleth(latest, title="Carte", legend_title="%", **charting.chart_locale())
        blocks = [
            charting.chart_block(
                spec,
                title=title,
                description="d",
                columns=["a", "b"],
                rows=[[key, value] for key, value in table],
                releases=releases,
                interactive=True,
            )
            for spec, title, table in (
                (series, "Internet", [(f"{r['series']} {r['year']}", r["value"]) for r in rows]),
                (world, "Carte", sorted(latest.items())),
            )
        ]
        fragment = "".join(render_to_string("public/_chart.html", {"chart": block}) for block in blocks)
        label = translation.gettext("Interactive version")  # the button reads in the page's language
    return blocks, label, fragment


def test_the_interactive_version_loads_only_on_request(site_data, site_server, django_db_blocker) -> None:
    """Without a press, no Vega library is fetched; pressing "Interactive version" loads them from our
    static files and redraws that chart in the browser. Two charts on one page (a time series and the
    world map, whose boundaries come from the vendored static file) keep apart."""
    # site_server, not live_server: its transactional flush would empty the reference tables that the
    # later test folders need. It serves the collected, fingerprinted static files as production does.
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, CHROMIUM

    with django_db_blocker.unblock():
        blocks, label, fragment = _two_interactive_charts()
    head = '<!doctype html><html lang="fr"><head><title>t</title></head>'
    document = f"{head}<body><main>{fragment}</main></body></html>"
    requested: list[str] = []
    failed: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        # Any document of the server: the scripts of the chart then load from the same origin.
        page.goto(f"{site_server}{static('js/charts.js')}")
        page.set_content(document, wait_until="load")
        buttons = page.get_by_role("button", name=label)
        buttons.first.wait_for(state="visible")
        assert buttons.count() == 2
        assert not [url for url in requested if "vendor/" in url], "Vega was loaded on page view"

        buttons.first.click()  # the time series
        series_id, map_id = (block.id for block in blocks)
        page.wait_for_selector(f"#{series_id}.chart-live .chart-image svg.marks", timeout=20_000)
        vega = [url for url in requested if "vendor/vega/" in url]
        assert len(vega) == 3 and all(url.startswith(site_server) for url in vega)
        assert "2020" in page.locator(f"#{series_id} .chart-image svg text").all_text_contents()
        assert page.locator(f"#{map_id}.chart-live").count() == 0  # the other chart is untouched

        page.get_by_role("button", name=label).click()  # the map, the only one left
        page.wait_for_selector(f"#{map_id}.chart-live .chart-image svg.marks", timeout=20_000)
        assert any(
            re.search(r"vendor/world-atlas/countries-110m(\.[0-9a-f]+)?\.json$", url) for url in requested
        )
        assert len([url for url in requested if "vendor/vega/" in url]) == 3  # the libraries load once
        assert page.locator(f"#{map_id} .chart-image svg path").count() > 150
        assert not failed, f"not served: {failed}"
        browser.close()


def _drawings(html_text: str) -> list[str]:
    return re.findall(r'(?:src|srcset)="(/charts/[0-9a-f]+-(?:wide|phone)\.svg)"', html_text)


def test_a_page_view_orders_its_drawings_and_the_image_urls_draw_them(site_data, client) -> None:
    """A cold page does not wait for the chart renderer: it only orders the drawings, which their own URLs
    draw on first request; a phone's layout is one of them, not both inline."""
    cache = charting.chart_cache()
    cache.clear()
    page = client.get("/fr/economies/KEN/").content.decode()
    images = _drawings(page)
    assert images and len(images) % 2 == 0
    keys = [charting.KEY_PREFIX + url.rsplit("/", 1)[1].rsplit("-", 1)[0] for url in images]
    assert all(cache.get(key + ":order") for key in keys)
    assert not any(cache.get(f"{key}:wide") or cache.get(f"{key}:phone") for key in keys), "drawn by the page"
    for url in images:
        answer = client.get(url)
        assert answer.status_code == 200 and answer.content.startswith(b"<svg")
        assert b"<script" not in answer.content
    assert all(cache.get(f"{key}:wide") and cache.get(f"{key}:phone") for key in keys)


def test_a_drawing_whose_order_left_the_cache_is_ordered_again_by_its_page(site_data, client) -> None:
    cache = charting.chart_cache()
    page = "/ar/economies/KEN/"
    images = _drawings(client.get(page).content.decode())
    cache.clear()  # the page stays in the page cache; its drawings' orders are gone
    assert client.get(images[0]).status_code == 404  # nobody says which page it was on
    # Another site's page, or a page that is not a public page, orders nothing.
    assert client.get(images[0], HTTP_REFERER=f"http://elsewhere.example{page}").status_code == 404
    assert client.get(images[0], HTTP_REFERER="http://testserver/en/accounts/login/").status_code == 404
    assert client.get(images[0], HTTP_REFERER="http://testserver/en/no/such/page/").status_code == 404
    # The page the browser names (same-origin Referer) is rendered again and orders the same drawings.
    again = client.get(images[0], HTTP_REFERER=f"http://testserver{page}")
    assert again.status_code == 200 and again.content.startswith(b"<svg")
    key = charting.KEY_PREFIX + images[0].rsplit("/", 1)[1].rsplit("-", 1)[0]
    assert cache.get(key + ":order")["language"] == "ar"  # ordered by the Arabic page, in Arabic
    assert client.get("/charts/" + "0" * 64 + "-wide.svg").status_code == 404
    assert client.get("/charts/" + "0" * 64 + "-huge.svg").status_code == 404
