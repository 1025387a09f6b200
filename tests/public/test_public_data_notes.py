"""The publisher's note of each data point (ITU's `dataNote` column, stored as Observation.note) in the
indicator page's ranking (a marker and a numbered list of notes) and in its series table and tooltips."""

from __future__ import annotations

import json

import lxml.html
import pytest
from django.test import Client

TOTALS = {"sex": "_T", "age": "_T", "urbanisation": "_T"}


def _latest_notes(year: str) -> dict[str, str]:
    from wsis.apps.warehouse.models import Observation

    rows = Observation.objects.filter(
        indicator="i99H", period=year, is_latest=True, area_kind="economy", **TOTALS
    ).values_list("area", "note")
    return {area: note.strip() for area, note in rows if note and note.strip()}


@pytest.mark.django_db
def test_the_ranking_marks_each_noted_figure_and_lists_the_notes(client: Client, site_data) -> None:
    notes = _latest_notes("2011")
    assert notes.get("ZAF") == "Population age 5+."
    doc = lxml.html.fromstring(client.get("/en/indicators/i99H/?year=2011").content.decode())
    listed = {li.get("id"): li.text_content() for li in doc.xpath("//ol[@class='data-notes']/li")}
    assert sorted(listed.values()) == sorted(set(notes.values()))
    marked = {}
    for row in doc.xpath("//table[@class='ranking']/tbody/tr"):
        area = row.xpath("./th/a/@href")[0].rstrip("/").rsplit("/", 1)[1]
        ref = row.xpath("./th//a[@class='note-ref']/@href")
        if ref:
            marked[area] = listed[ref[0].removeprefix("#")]
    assert marked == {area: note for area, note in notes.items() if area in marked}
    assert set(marked) == {a for a in notes if a in marked} and len(marked) == len(
        [a for a in notes if doc.xpath(f"//table[@class='ranking']//a[@href='/en/economies/{a}/']")]
    )


@pytest.mark.django_db
def test_the_series_table_and_tooltips_carry_the_notes(client: Client, site_data) -> None:
    from wsis.apps.warehouse.models import Observation

    expected = {
        o.period: o.note.strip()
        for o in Observation.objects.filter(indicator="i99H", area="AFG", is_latest=True, **TOTALS)
        if o.note and o.note.strip()
    }
    assert expected, "Afghanistan's Internet use has notes in the ITU file"
    doc = lxml.html.fromstring(client.get("/en/indicators/i99H/?economies=AFG").content.decode())
    figure = doc.xpath("//section[@aria-labelledby='series-heading']//figure")[0]
    assert figure.xpath(".//thead//th")[-1].text_content() == "Publisher's note"
    shown = {tr[2].text_content(): tr[-1].text_content() for tr in figure.xpath(".//tbody/tr")}
    assert {year: note for year, note in shown.items() if note != "–"} == expected
    spec = json.loads(figure.xpath(".//script[@type='application/json']")[0].text)["spec"]
    point = spec["layer"][1]["encoding"]
    assert [t["field"] for t in point["tooltip"]] == ["series", "year", "value", "note"]
    noted = {str(v["year"]): v["note"] for v in spec["data"]["values"] if "note" in v}
    assert noted == expected
