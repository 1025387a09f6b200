"""Embeddable charts (/<lang>/embed/...) on the real data: the chart alone with its source and a link back,
framable by any site while every other page keeps refusing to be framed; and each chart's pictures as SVG
and PNG at their own URLs."""

from __future__ import annotations

import re

import lxml.html
import pytest
from django.test import Client

from wsis.apps.public import charting


def _doc(client: Client, path: str) -> lxml.html.HtmlElement:
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    return lxml.html.fromstring(answer.content.decode())


@pytest.mark.django_db
def test_the_map_embed_is_the_chart_alone_with_source_and_link_back(client: Client, site_data) -> None:
    from wsis.apps.warehouse.models import Release

    itu = Release.objects.get(name="ITU DataHub")
    doc = _doc(client, "/en/embed/indicators/i99H/map/?year=2021")
    # No site chrome: no header, navigation, footer or skip link.
    assert not doc.xpath("//header | //nav | //footer | //a[@class='skip-link']")
    (figure,) = doc.xpath("//figure[@class='chart']")
    assert "2021" in figure.xpath(".//figcaption")[0].text_content()
    assert re.fullmatch(r"/charts/[0-9a-f]{64}-wide\.svg", figure.xpath(".//img/@src")[0])
    source = doc.xpath("//p[@class='embed-source']")[0].text_content()
    assert itu.publisher in source and itu.name in source and "1 Jun 2025" in source
    back = doc.xpath("//p[@class='embed-source']/a")[0]
    assert back.get("href") == "/en/indicators/i99H/?year=2021" and back.get("target") == "_top"
    # The data table is the map's: every economy of the year's ranking.
    rows = figure.xpath(".//tbody/tr")
    page = _doc(client, "/en/indicators/i99H/?year=2021")
    assert len(rows) == len(page.xpath("//table[@class='ranking']/tbody/tr")) > 150


@pytest.mark.django_db
def test_only_embeds_may_be_framed(client: Client, site_data) -> None:
    for path in ("/en/embed/indicators/i99H/map/", "/fr/embed/economies/KEN/i99H/"):
        for _visit in range(2):  # rendered, then served from the page cache: the same headers
            answer = client.get(path)
            assert answer.status_code == 200
            assert "X-Frame-Options" not in answer, path
            policy = answer["Content-Security-Policy"]
            ancestors = policy.split("frame-ancestors")[1].split(";")[0]
            assert ancestors.strip() == "*", policy
    for path in ("/en/indicators/i99H/", "/en/economies/KEN/", "/en/", "/en/downloads/"):
        answer = client.get(path)
        assert answer["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in answer["Content-Security-Policy"], path


@pytest.mark.django_db
def test_the_economy_embed_draws_its_series_from_the_warehouse(client: Client, site_data) -> None:
    from wsis.apps.warehouse.models import Observation

    doc = _doc(client, "/en/embed/economies/KEN/i99H/")
    (figure,) = doc.xpath("//figure[@class='chart']")
    assert "Kenya" in figure.xpath(".//figcaption")[0].text_content()
    years = {tr.xpath("./td")[0].text_content() for tr in figure.xpath(".//tbody/tr")}
    expected = set(
        Observation.objects.filter(
            indicator="i99H", area="KEN", is_latest=True, sex="_T", age="_T", urbanisation="_T"
        ).values_list("period", flat=True)
    )
    assert years == {y for y in expected if y.isdigit()}
    assert doc.xpath("//p[@class='embed-source']/a/@href") == ["/en/economies/KEN/"]


@pytest.mark.django_db
def test_pages_offer_the_embed_code_and_bad_embeds_say_what_is_wrong(client: Client, site_data) -> None:
    doc = _doc(client, "/en/indicators/i99H/?year=2021")
    codes = [c.text_content() for c in doc.xpath("//details[@class='chart-embed']//code")]
    src = 'src="http://localhost:8000/en/embed/indicators/i99H/map/?year=2021"'
    assert any(src in c for c in codes), codes
    profile = _doc(client, "/en/economies/KEN/")
    assert any("/en/embed/economies/KEN/" in c.text_content() for c in profile.xpath("//details//code"))
    wrong = client.get("/en/embed/indicators/i99H/pie/")
    assert wrong.status_code == 404 and "pie" in wrong.content.decode()
    assert client.get("/en/embed/indicators/nosuch/map/").status_code == 404
    assert client.get("/en/embed/economies/XYZ/i99H/").status_code == 404
    assert client.get("/en/embed/indicators/i99H/map/?year=1800").status_code == 400


@pytest.mark.django_db
def test_each_chart_downloads_as_svg_and_png(client: Client, site_data) -> None:
    doc = _doc(client, "/en/economies/KEN/")
    links = doc.xpath("//p[@class='chart-download']")[0]
    svg_url, png_url = (a.get("href") for a in links.xpath("./a") if a.text_content() in ("SVG", "PNG"))
    assert re.fullmatch(r"/charts/[0-9a-f]{64}-wide\.svg", svg_url)
    assert png_url == svg_url.removesuffix(".svg") + ".png"
    svg = client.get(svg_url)
    png = client.get(png_url)
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    immutable = f"public, max-age={charting.IMAGE_MAX_AGE}, immutable"
    assert png["Cache-Control"] == svg["Cache-Control"] == immutable
    # Drawn at twice the SVG's size (the PNG header holds width and height).
    width = int.from_bytes(png.content[16:20], "big")
    svg_width = float(re.search(rb'<svg[^>]* width="([0-9.]+)"', svg.content).group(1))
    assert abs(width - 2 * svg_width) <= 2
    assert client.get("/charts/" + "0" * 64 + "-wide.png").status_code == 404
    assert client.get(svg_url.removesuffix(".svg") + ".gif").status_code == 404
