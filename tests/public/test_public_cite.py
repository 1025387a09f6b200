""" "Cite this" on the indicator, economy and group pages: the releases the figures come from, each with a
permanent URL that returns exactly that release's figures, the access date and the current publication,
as text, BibTeX and RIS."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from django.test import Client


def _cite(client: Client, path: str) -> lxml.html.HtmlElement:
    doc = lxml.html.fromstring(client.get(path).content.decode())
    (section,) = doc.xpath("//section[@class='cite']")
    return section


def _pinned(section: lxml.html.HtmlElement) -> list[str]:
    return section.xpath(".//ul[@class='cite-releases']/li/a/@href")


@pytest.mark.django_db
def test_the_indicator_citation_pins_its_release_and_the_link_returns_those_figures(
    client: Client, site_data
) -> None:
    from wsis.apps.publishing.domain import current
    from wsis.apps.warehouse.models import Observation, Release

    itu = Release.objects.get(name="ITU DataHub")
    section = _cite(client, "/en/indicators/i99H/?year=2021")
    (url,) = _pinned(section)
    parts = urlsplit(url)
    assert parts.netloc == "localhost:8000" and parts.path == "/api/v1/observations"
    assert parse_qs(parts.query) == {"indicator": ["i99H"], "release": [str(itu.id)]}
    answer = client.get(f"{parts.path}?{parts.query}&page_size=1000").json()
    assert answer["count"] == Observation.objects.filter(indicator="i99H", release=itu).count() > 0
    assert {r["release_id"] for r in answer["results"]} == {itu.id}
    today = dt.date.today().isoformat()
    text = section.xpath(".//pre[@class='cite-text']")[0].text_content()
    assert text.startswith("WSIS Observatory. Individuals using the Internet (i99H). ")
    assert "http://localhost:8000/en/indicators/i99H/?year=2021" in text
    assert f"Accessed {today}." in text and url in text and "ITU: ITU DataHub (2025-06-01)" in text
    assert f"publication {current.current().pk}." in text
    bibtex = section.xpath(".//pre[@class='cite-bibtex']")[0].text_content()
    assert bibtex.startswith("@misc{wsis-individuals-") and f"urldate = {{{today}}}" in bibtex
    assert "howpublished = {\\url{http://localhost:8000/en/indicators/i99H/?year=2021}}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")
    ris = section.xpath(".//pre[@class='cite-ris']")[0].text_content().splitlines()
    assert ris[0] == "TY  - DATA" and ris[-1] == "ER  -" and f"Y2  - {today.replace('-', '/')}" in ris


@pytest.mark.django_db
def test_economy_and_group_citations_name_every_release_shown(client: Client, site_data) -> None:
    from wsis.apps.warehouse.models import Release

    by_id = {r.id: r for r in Release.objects.all()}
    section = _cite(client, "/es/economies/KEN/")
    pinned = [parse_qs(urlsplit(u).query) for u in _pinned(section)]
    assert pinned and all(q["area"] == ["KEN"] for q in pinned)
    # The releases pinned are the ones the page's sources list names.
    page = lxml.html.fromstring(client.get("/es/economies/KEN/").content.decode())
    sources = {int(li.get("id").removeprefix("release-")) for li in page.xpath("//ul[@class='sources']/li")}
    assert {int(q["release"][0]) for q in pinned} == sources
    assert all(int(q["release"][0]) in by_id for q in pinned)
    # The citation is in English (a bibliographic record), marked so on a Spanish page.
    pre = section.xpath(".//pre[@class='cite-text']")[0]
    assert pre.get("lang") == "en" and pre.text_content().startswith("WSIS Observatory. Kenya: ")
    assert "Citar esta página" == section.xpath(".//h2")[0].text_content()
    group = _cite(client, "/en/groups/LDC/")
    assert all(parse_qs(urlsplit(u).query)["group"] == ["LDC"] for u in _pinned(group))
    text = group.xpath(".//pre[@class='cite-text']")[0].text_content()
    assert "Least developed countries: ICT indicators of the group." in text
