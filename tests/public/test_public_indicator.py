"""The indicator page on the real ITU, World Bank and UN SDG files: the ranking and the series are exactly
the warehouse's latest figures of the chosen year and economies, the defaults follow the data, bad
parameters give a 400 page naming the parameter, and releases and revisions are listed."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import lxml.html
import pytest
from django.test import Client

from tests.web.conftest import LANGUAGES
from wsis.apps.public.templatetags.public_format import format_measure
from wsis.engine.readers.observation import DISAGGREGATIONS

TOTALS = {d: "_T" for d in DISAGGREGATIONS}


def _latest(indicator: str, **filters):
    from wsis.apps.warehouse.models import Observation

    return Observation.objects.filter(indicator=indicator, is_latest=True, area_kind="economy", **filters)


def _table(html: str, css_class: str) -> list[list[str]]:
    """The body rows of the table with ``css_class`` as text cells, the economy cell as its link's ISO3."""
    doc = lxml.html.fromstring(html)
    rows = []
    for tr in doc.xpath(f"//table[@class='{css_class}']/tbody/tr"):
        cells = []
        for cell in tr:
            link = cell.find("a")
            cells.append(
                link.get("href").rstrip("/").rsplit("/", 1)[1] if link is not None else cell.text_content()
            )
        rows.append(cells)
    return rows


def _chart_rows(html: str, title_part: str) -> list[list[str]]:
    doc = lxml.html.fromstring(html)
    for figure in doc.xpath("//figure[@class='chart']"):
        if title_part in figure.xpath(".//figcaption")[0].text_content():
            return [[c.text_content() for c in tr] for tr in figure.xpath(".//tbody/tr")]
    raise AssertionError(f"no chart titled {title_part!r}")


@pytest.mark.django_db
def test_ranking_is_exactly_the_years_latest_figures(client: Client, site_data) -> None:
    html = client.get("/en/indicators/i99H/?year=2021").content.decode()
    expected = {o.area: o for o in _latest("i99H", period="2021", **TOTALS).select_related("release")}
    rows = _table(html, "ranking")
    assert len(rows) == len(expected) > 150
    assert {r[1] for r in rows} == set(expected)
    for rank, area, value, year, marker, source in rows:
        obs = expected[area]
        assert value == format_measure(obs.value, obs.unit, "en")
        assert year == "2021"
        assert marker == ("estimated" if obs.nature == "estimate" else "reported")
        assert source == (obs.source or "–")
    # One release behind every figure: named once, above the table.
    assert f"Figures published in {site_data.releases['itu']} (1 Jun 2025)." in html
    # Best first, ties sharing a rank.
    values = [expected[r[1]].value for r in rows]
    assert values == sorted(values, reverse=True)
    assert rows[0][0] == "1" and int(rows[-1][0]) <= len(rows)


@pytest.mark.django_db
def test_lower_is_better_ranks_the_cheapest_first(client: Client, site_data) -> None:
    from wsis.apps.reference.models import Indicator

    code = "i154_FBB5_GNI"
    assert not Indicator.objects.get(code=code).higher_is_better
    rows = _table(client.get(f"/en/indicators/{code}/?year=2022").content.decode(), "ranking")
    by_area = {o.area: o.value for o in _latest(code, period="2022", **TOTALS)}
    assert [by_area[r[1]] for r in rows] == sorted(by_area.values())


@pytest.mark.django_db
def test_default_year_is_the_latest_well_covered_one(client: Client, site_data) -> None:
    counts = Counter(_latest("i99H", **TOTALS).values_list("period", flat=True))
    best = max(counts.values())
    expected = max(y for y, n in counts.items() if n >= best / 2)
    assert expected != max(counts), "the newest year of the file is thinly covered: the case under test"
    doc = lxml.html.fromstring(client.get("/en/indicators/i99H/").content.decode())
    assert doc.xpath("//select[@id='year']/option[@selected]")[0].text == expected
    assert len(doc.xpath("//table[@class='ranking']/tbody/tr")) == counts[expected]


@pytest.mark.django_db
def test_series_of_chosen_economies_match_the_warehouse(client: Client, site_data) -> None:
    html = client.get("/en/indicators/i99H/?economies=KEN,FRA&year=2020").content.decode()
    rows = _chart_rows(html, "over time")
    expected = list(_latest("i99H", area__in=["KEN", "FRA"], **TOTALS).order_by("area", "period"))
    assert len(rows) == len(expected) > 20
    names = {"KEN": "Kenya", "FRA": "France"}
    shown = sorted((r[0], r[2], r[1]) for r in rows)  # economy, value, year, marker, source
    wanted = sorted((names[o.area], o.period, format_measure(o.value, o.unit, "en")) for o in expected)
    assert shown == wanted
    # The order of the parameter is the order of the series: Kenya first.
    assert rows[0][0] == "Kenya"
    # The chart's drawing is an image at its own URL, which serves the SVG.
    drawing = re.search(r'<img src="(/charts/[0-9a-f]+-wide\.svg)"', html)
    assert drawing and client.get(drawing.group(1)).content.startswith(b"<svg")


@pytest.mark.django_db
def test_default_economies_span_the_ranking(client: Client, site_data) -> None:
    html = client.get("/en/indicators/i99H/?year=2021").content.decode()
    ranking = _table(html, "ranking")
    doc = lxml.html.fromstring(html)
    chosen = doc.get_element_by_id("economies").get("value").split(",")
    assert chosen == [ranking[0][1], ranking[len(ranking) // 2][1], ranking[-1][1]]


@pytest.mark.django_db
def test_names_follow_the_page_language(client: Client, site_data) -> None:
    from wsis.apps.reference.models import Economy

    names = Economy.objects.get(iso3="DEU").names
    assert names["fr"] == "Allemagne" and names["ar"] != names["en"]
    for lang, key in (("fr", "fr"), ("ar", "ar"), ("zh-hans", "zh"), ("ru", "ru")):
        html = client.get(f"/{lang}/indicators/i99H/?year=2021").content.decode()
        assert f">{names[key]}</a>" in html, lang


@pytest.mark.django_db
def test_an_indicator_without_totals_shows_its_largest_breakdown(client: Client, site_data) -> None:
    per_skill = Counter(_latest("SE_ADT_ACTS").values_list("skill_type", flat=True))
    assert "_T" not in per_skill
    html = client.get("/en/indicators/SE_ADT_ACTS/").content.decode()
    doc = lxml.html.fromstring(html)
    chosen = doc.xpath("//select[@id='breakdown']/option[@selected]")[0].get("value")
    assert chosen == f"skill_type:{per_skill.most_common(1)[0][0]}"
    year = doc.xpath("//select[@id='year']/option[@selected]")[0].text
    skill = chosen.split(":")[1]
    expected = set(
        _latest("SE_ADT_ACTS", period=year, **{**TOTALS, "skill_type": skill}).values_list("area", flat=True)
    )
    assert {r[1] for r in _table(html, "ranking")} == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("year=20x1", 400, "four digits"),
        ("year=1900", 400, "1900"),
        ("economies=FR", 400, "FR"),
        ("economies=KEN,ZZZ", 400, "ZZZ"),
        (
            "economies=" + ",".join(["KEN"] + ["FRA", "DEU", "ITA", "ESP", "PRT", "BEL", "NLD", "AUT"]),
            400,
            "8",
        ),
        ("breakdown=colour:red", 400, "colour:red"),
        ("breakdown=sex:F", 400, "sex:F"),
    ],
)
def test_bad_parameters_are_named(client: Client, site_data, query: str, status: int, words: str) -> None:
    response = client.get(f"/en/indicators/i99H/?{query}")
    assert response.status_code == status
    html = response.content.decode()
    assert words in html
    parameter = query.split("=")[0]
    assert f"Parameter: {parameter}" in html


@pytest.mark.django_db
def test_unknown_indicator_is_not_found(client: Client, site_data) -> None:
    response = client.get("/en/indicators/NOT_A_SERIES/")
    assert response.status_code == 404
    assert "NOT_A_SERIES" in response.content.decode()


@pytest.mark.django_db
def test_catalogued_indicator_without_figures_still_has_its_page(client: Client, site_data) -> None:
    from wsis.apps.reference.models import Indicator
    from wsis.apps.warehouse.models import Observation

    held = set(Observation.objects.values_list("indicator", flat=True).distinct())
    empty = Indicator.objects.exclude(code__in=held).order_by("code").first()
    assert empty is not None
    response = client.get(f"/en/indicators/{empty.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert empty.definition[:40] in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert "no annual figures" in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_indicator_page_in_every_language(client: Client, site_data, lang: str) -> None:
    response = client.get(f"/{lang}/indicators/IT.NET.USER.ZS/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert html.count("<h1") == 1 and '<img src="/charts/' in html


@pytest.mark.django_db
def test_a_new_release_shows_its_revisions(client: Client, site_data, tmp_path) -> None:
    """A second release revising one figure and adding another: the page ranks the new figure and lists
    the revision against the release before it. The test's transaction removes the release again."""
    from wsis.apps.warehouse.domain.importing import import_release

    old = _latest("i99H", area="FRA", period="2021", **TOTALS).get()
    revision = tmp_path / "revision.csv"
    revision.write_text(
        "indicator,area,period,value,unit,nature\n"
        f"i99H,FRA,2021,{old.value + 1.5},percent,reported\n"
        "i99H,FRA,1990,0.1,percent,reported\n",
        encoding="utf-8",
    )
    import_release([revision], name="ITU DataHub revision", publisher="ITU", date=dt.date(2025, 9, 1))
    html = client.get("/en/indicators/i99H/?year=2021&economies=FRA").content.decode()
    # Every key of the first release but the revised one is not repeated by the revision.
    unrepeated = old.release.observations.filter(indicator="i99H").count() - 1
    assert f"Against ITU: ITU DataHub: 1 revised, 1 new, {unrepeated} not published again" in html
    ranking = {r[1]: r[2] for r in _table(html, "ranking")}
    assert ranking["FRA"] == format_measure(old.value + 1.5, "percent", "en")
    doc = lxml.html.fromstring(html)
    caption = [c for c in doc.xpath("//caption") if "Revised figures" in c.text_content()]
    revised = caption[0].getparent().xpath("./tbody/tr")[0]
    assert [c.text_content() for c in revised] == [
        "FRA",
        "2021",
        format_measure(old.value, "percent", "en"),
        format_measure(old.value + 1.5, "percent", "en"),
    ]
    link = doc.xpath("//a[contains(@href, '/revisions?against=')]")[0].get("href")
    revised_rows = client.get(link).json()
    assert revised_rows and client.get(link).status_code == 200


@pytest.mark.django_db
def test_open_data_links_answer(client: Client, site_data) -> None:
    doc = lxml.html.fromstring(client.get("/en/indicators/i99H/").content.decode())
    links = [a.get("href") for a in doc.xpath("//dl//a[starts-with(@href, '/api/v1/')]")]
    assert len(links) == 2
    metadata = client.get(links[0]).json()
    assert metadata["code"] == "i99H" and metadata["releases"][0]["name"] == "ITU DataHub"
    assert client.get(links[1]).status_code == 200
    # The release notes link the release's quality warnings.
    quality = doc.xpath("//section[@aria-labelledby='releases-heading']//a[contains(@href, '/quality')]")
    assert quality and client.get(quality[0].get("href")).status_code == 200
