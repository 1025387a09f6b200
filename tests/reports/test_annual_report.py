"""The annual report generated from the shared real data imported through the warehouse: every key-trend
number equals what the measurement engine published in the current publication (one test per number),
with its year and footnote; regenerating from the same data state changes nothing; edits survive a
regeneration; a year without data is refused with nothing stored; every format carries the same
paragraphs and numbers."""

from __future__ import annotations

import io
import json
import re
import subprocess

import pytest

from wsis.apps.reports.domain import ReportsError

#: Key-trend numbers: fact key -> (published figure key, how to read the number from it).
AGGREGATES = {
    f"trends.internet.{g}": ("i99H", g) for g in ("WLD", "LDC", "LLDC", "SIDS", "HIC", "UMC", "LMC", "LIC")
}
AGGREGATES["trends.mobile_broadband.WLD"] = ("i911mw", "WLD")
TARGETS = ("BBC2025-3.WLD", "BBC2025-3.DEVELOPING", "BBC2025-3.LDC", "SDG-9.c")
YEAR = 2024


@pytest.fixture(scope="module")
def annual(site_data, django_db_blocker):
    """The 2024 report in English, generated once from the current publication."""
    from wsis.apps.reports.domain.document import document
    from wsis.apps.reports.domain.drafts import generate
    from wsis.apps.reports.models import Report

    with django_db_blocker.unblock():
        report = generate(kind="annual", year=YEAR, language="en")
        doc = document(report)
        figures = {n["figure"]["key"]: n["figure"] for n in doc["footnotes"]}
        yield {"report": report, "doc": doc, "figures": figures}
        Report.objects.all().delete()


def _published(key: str):
    """The current publication's figure, read straight from its rows (not through the report's code)."""
    from wsis.apps.publishing.models import Publication, PublishedFigure

    publication = Publication.objects.filter(state="current").latest("id")
    return PublishedFigure.objects.get(publication=publication, key=key).value


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(AGGREGATES))
def test_each_key_trend_aggregate_equals_the_published_figure(annual, key):
    indicator, group = AGGREGATES[key]
    rows = [
        r
        for r in _published(f"aggregates/{indicator}/{group}")
        if r["status"] == "ok" and r["period"] <= YEAR
    ]
    newest = max(rows, key=lambda r: r["period"])
    fact = annual["figures"][key]
    assert fact["value"] == newest["value"] and fact["year"] == newest["period"]
    assert fact["computation"] == newest["computation"]
    assert f"computation {newest['computation']}" in fact["method"]
    assert all(r["name"] in fact["release"] for r in newest["releases"])


@pytest.mark.django_db
@pytest.mark.parametrize("code", TARGETS)
def test_each_target_number_equals_the_published_assessment(annual, code):
    world = _published("progress/WLD")
    assessment = next(a for a in world["assessments"] if a["code"] == code)
    fact = annual["figures"][f"targets.{code}"]
    assert fact["value"] == assessment["current_value"] and fact["year"] == assessment["current_year"]
    assert fact["extra"]["status"] == assessment["status"] and fact["computation"] == world["computation"]


@pytest.mark.django_db
def test_people_offline_are_the_world_population_not_using_the_internet(annual):
    from wsis.apps.reference.models import Economy
    from wsis.apps.warehouse.models import Observation
    from wsis.engine.readers.observation import DISAGGREGATIONS

    world = annual["figures"]["trends.internet.WLD"]
    population = sum(
        Observation.objects.filter(
            is_latest=True,
            indicator="SP.POP.TOTL",
            period=str(world["year"]),
            area_kind="economy",
            area__in=list(Economy.objects.values_list("iso3", flat=True)),
            **{d: "_T" for d in DISAGGREGATIONS},
        ).values_list("value", flat=True)
    )
    offline = annual["figures"]["trends.offline.WLD"]
    assert offline["year"] == world["year"]
    assert offline["value"] == pytest.approx(population * (100 - world["value"]) / 100, rel=1e-12)


@pytest.mark.django_db
def test_every_number_has_a_footnote_with_source_release_and_method(annual):
    doc = annual["doc"]
    assert doc["footnotes"], "the report cites figures"
    for note in doc["footnotes"]:
        assert (
            note["text"].startswith("Source: ") and "Release: " in note["text"] and "Method: " in note["text"]
        )
    numbered = [p["number"] for s in doc["sections"] for p in s["paragraphs"] if p["number"]]
    assert numbered == list(range(1, len(numbered) + 1))
    titles = [s["title"] for s in doc["sections"]]
    assert titles == [
        "Summary",
        "Introduction",
        "Key trends in ICT access and use",
        "Implementation and follow-up at the regional level",
        "Implementation and follow-up at the international level",
        "Findings and suggestions",
    ]


@pytest.mark.django_db
def test_regenerating_from_the_same_data_gives_the_same_numbers_and_paragraphs(annual):
    from wsis.apps.reports.domain.document import document
    from wsis.apps.reports.domain.drafts import generate

    before = annual["report"].versions.count()
    again = document(generate(kind="annual", year=YEAR, language="en"))
    assert again["sections"] == annual["doc"]["sections"] and again["footnotes"] == annual["doc"]["footnotes"]
    assert annual["report"].versions.count() == before


@pytest.mark.django_db
def test_an_edited_paragraph_keeps_its_text_and_generated_ones_follow_the_data(annual, django_user_model):
    from wsis.apps.reports.domain.drafts import diff, edit, generate
    from wsis.apps.reports.models import Paragraph

    report = annual["report"]
    editor = django_user_model.objects.create_user("editor")
    text = "Internet use reached [^1] per cent of the world, by the secretariat's own wording."
    edit(report=report, key="trends.internet", text=text, by=editor)
    with pytest.raises(ReportsError, match=r"\[\^7\] point at no figure"):
        edit(report=report, key="trends.internet", text="Bad [^7]", by=editor)
    # The data change: a generated paragraph follows, the edited one keeps its text.
    Paragraph.objects.filter(report=report, key="trends.gender").update(text="stale", generated="stale")
    generate(kind="annual", year=YEAR, language="en")
    kept = Paragraph.objects.get(report=report, key="trends.internet")
    assert kept.text == text and kept.edited and kept.generated != text
    followed = Paragraph.objects.get(report=report, key="trends.gender")
    assert followed.text == followed.generated and followed.text.startswith("Internet use")
    edits = [v for v in report.versions.all() if v.note == "paragraph trends.internet edited"]
    assert edits and "by the secretariat's own wording" in diff(report, edits[0].number - 1, edits[0].number)


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1990, 2031])
def test_a_report_for_a_year_without_data_is_refused_and_nothing_is_stored(site_data, year):
    from wsis.apps.reports.domain.drafts import generate
    from wsis.apps.reports.models import Report

    before = Report.objects.count()
    with pytest.raises(ReportsError, match=f"no data for a {year} report"):
        generate(kind="annual", year=year, language="en")
    assert Report.objects.count() == before


@pytest.mark.django_db
def test_the_cli_writes_json_with_every_figure_and_refuses_a_year_without_data(site_data, tmp_path):
    from click.testing import CliRunner

    from wsis.cli import main

    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        main, ["report", "annual", "--year", "2024", "--format", "json", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["year"] == 2024 and all(f["footnote_text"].startswith("Source:") for f in data["figures"])
    refused = CliRunner().invoke(main, ["report", "annual", "--year", "1990"])
    assert refused.exit_code == 1 and "no data for a 1990 report" in refused.output
    assert "nothing was stored" in refused.output


@pytest.mark.django_db
def test_the_docx_reads_back_with_the_same_paragraphs(annual):
    from docx import Document

    from wsis.apps.reports.interfaces.render import docx

    doc = annual["doc"]
    read = [p.text for p in Document(io.BytesIO(docx(doc))).paragraphs]
    for section in doc["sections"]:
        for p in section["paragraphs"]:
            plain = "".join(part.get("text") or str(part["note"]) for part in p["parts"])
            expected = f"{p['number']}.\t{plain}" if p["number"] else plain
            assert expected in read, f"paragraph {p['key']} missing from the DOCX"


@pytest.mark.django_db
def test_pdftotext_of_the_english_pdf_has_the_numbers_and_their_footnotes(annual, tmp_path):
    from wsis.apps.reports.domain.facts import Fact
    from wsis.apps.reports.domain.writing import formatted
    from wsis.apps.reports.interfaces.render import pdf

    path = tmp_path / "report.pdf"
    path.write_bytes(pdf(annual["doc"]))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for note in annual["doc"]["footnotes"]:
        figure = note["figure"]
        shown = formatted(Fact(**figure), "en", 0 if figure["unit"] == "count" else 1)
        assert shown in flat, f"{figure['key']} ({shown}) not in the PDF text"
        # Footnotes are at the foot of the page: "N. Source: ..." (the method text may wrap).
        assert f"{note['number']}. Source: {figure['source']}" in flat
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Tagged:\s+yes", info) and "(A4)" in info


@pytest.mark.django_db
def test_affordability_names_the_missing_input_and_gives_no_figure(annual):
    """The Broadband Commission's 2% target is assessed on ITU's entry-level basket (i271mb_ts_GNI), which
    the shared data do not hold (only the 5 GB baskets): the report says which input is missing."""
    from wsis.apps.warehouse.models import Observation

    assert not Observation.objects.filter(indicator="i271mb_ts_GNI").exists()
    paragraph = annual["report"].paragraphs.get(key="trends.affordability")
    assert paragraph.text == (
        "Affordability against the Broadband Commission's target of entry-level broadband at less than 2 "
        "per cent of monthly income is not assessed in the current publication (no observations of "
        "i271mb_ts_GNI)."
    )
    assert paragraph.figures == []


@pytest.mark.django_db
def test_the_idi_names_the_series_the_warehouse_lacks(annual):
    from wsis.apps.warehouse.models import Observation

    paragraph = annual["report"].paragraphs.get(key="trends.idi")
    missing = re.search(r"holds no figures? of (.+), (\d+) of its 10 ITU series\.", paragraph.text)
    assert missing, paragraph.text
    named = missing.group(1).split(", ")
    assert len(named) == int(missing.group(2)) and "i271mb_high_ts_GNI_IDI" in named
    for code in named:
        assert not Observation.objects.filter(indicator=code, area_kind="economy").exists(), code
    assert "i99H" not in named  # held, so not named
