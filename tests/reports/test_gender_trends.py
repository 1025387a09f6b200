"""The gender gap and parity score in the annual report's key trends (para 59): the refresh publishes the
women's and men's aggregates and their parity score (women / men, ITU's bands) wherever the warehouse has
figures by sex, and the report states each of them with its year and footnote, equal to the publication.

Internet use by sex comes from ITU's World Telecommunication/ICT Indicators table (shared real data),
imported through the warehouse and published here on top of the package's data: the report tests that
run after this module see it too, and read every number from the publication as it then is."""

from __future__ import annotations

import datetime as dt

import pytest

from wsis.engine.measure.divides import ITU_BANDS

YEAR = 2024
GROUPS = ("WLD", "LDC", "LLDC", "SIDS", "HIC", "UMC", "LMC", "LIC")


WTI = "itu-wti/individuals-using-internet-by-gender-urban-rural.xls"


@pytest.fixture(scope="module")
def gender(site_data, django_db_blocker, shared):
    from wsis.apps.publishing.domain.refresh import refresh
    from wsis.apps.reports.domain.document import document
    from wsis.apps.reports.domain.drafts import generate
    from wsis.apps.reports.models import Report
    from wsis.apps.warehouse.domain.importing import import_release
    from wsis.apps.warehouse.models import Release

    with django_db_blocker.unblock():
        if not Release.objects.filter(name="ITU WTI 2020").exists():
            import_release([shared / WTI], name="ITU WTI 2020", date=dt.date(2020, 12, 1))
            refresh(trigger="tests/reports gender")
        report = generate(kind="annual", year=YEAR, language="en")
        doc = document(report)
        paragraph = report.paragraphs.get(key="trends.gender")
        yield {"doc": doc, "paragraph": paragraph, "figures": paragraph.figures}
        Report.objects.all().delete()


def _published_by_sex() -> dict[str, dict]:
    """Every breakdown by sex of the current publication, read straight from its rows."""
    from wsis.apps.publishing.models import Publication, PublishedFigure

    publication = Publication.objects.filter(state="current").latest("id")
    return dict(
        PublishedFigure.objects.filter(publication=publication, key__endswith="/by-sex").values_list(
            "key", "value"
        )
    )


@pytest.mark.django_db
def test_the_refresh_publishes_women_men_and_the_parity_score(gender):
    published = _published_by_sex()
    assert published, "no breakdown by sex published"
    scored = 0
    for key, value in published.items():
        women = {c["period"]: c for c in value["F"] if c["status"] == "ok"}
        men = {c["period"]: c for c in value["M"] if c["status"] == "ok"}
        for p in value["parity"]:
            # The score is the engine's women / men ratio of the two published aggregates, with ITU's band.
            assert p["value"] == pytest.approx(women[p["period"]]["value"] / men[p["period"]]["value"]), key
            assert p["band"] == ITU_BANDS.classify(p["value"])
            scored += 1
    assert scored, f"no parity score in {sorted(published)}"


@pytest.mark.django_db
def test_each_gender_number_of_the_report_equals_the_publication(gender):
    published = _published_by_sex()
    figures = gender["figures"]
    assert figures, gender["paragraph"].text
    for k, fact in enumerate(figures, start=1):
        indicator, group = fact["extra"]["indicator"], fact["extra"]["group"]
        value = published[f"aggregates/{indicator}/{group}/by-sex"]
        side = fact["key"].rsplit(".", 1)[1]
        if side == "coverage":
            row = next(c for c in value["F"] if c["period"] == fact["year"] and c["status"] == "refused")
            assert fact["value"] == pytest.approx(100 * row["reported_share"])
            assert row["message"] in fact["method"]
        elif side == "parity":
            row = next(p for p in value["parity"] if p["period"] == fact["year"])
            assert fact["value"] == pytest.approx(row["value"])
            assert fact["unit"] == "ratio" and "women's / men's" in fact["method"]
        else:
            row = next(c for c in value[side] if c["period"] == fact["year"] and c["status"] == "ok")
            assert fact["value"] == pytest.approx(row["value"])
        # Newest year no later than the report's.
        assert fact["year"] <= YEAR
        assert fact["source"] and fact["release"] and fact["method"]
        assert f"[^{k}]" in gender["paragraph"].text


@pytest.mark.django_db
def test_the_gender_paragraph_states_the_score_with_its_footnote(gender):
    text = gender["paragraph"].text
    parity = [f for f in gender["figures"] if f["key"].endswith(".parity")]
    assert parity, text
    for fact in parity:
        marker = gender["figures"].index(fact) + 1
        assert f"{fact['value']:.2f}[^{marker}]" in text, text
        assert str(fact["year"]) in text
    notes = {n["figure"]["key"]: n for n in gender["doc"]["footnotes"]}
    for fact in parity:
        assert fact["key"] in notes and "ITU" in notes[fact["key"]]["figure"]["method"]


@pytest.mark.django_db
def test_a_refused_world_figure_is_said_with_how_little_it_covers(gender):
    """In the shared real data, figures by sex cover too little of the world for the engine to aggregate
    it: the report says so, with the covered share footnoted, instead of a number for the world."""
    published = _published_by_sex()["aggregates/i99H/WLD/by-sex"]
    assert not [c for c in published["F"] if c["status"] == "ok"]
    coverage = [f for f in gender["figures"] if f["key"] == "trends.gender.i99H.WLD.coverage"]
    assert len(coverage) == 1
    text = gender["paragraph"].text
    assert "Internet use: no world figure by sex is given, because only" in text
    assert f"had a reported figure by sex in {coverage[0]['year']}" in text
