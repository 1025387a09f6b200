"""Economies are named as the UN names them (UNTERM / UN M49 official short names) in each language once
`wsis manage un_names` (run by `wsis setup --real-data`) has read the publisher's table - here the shared
copy of it - and by CLDR before: "Democratic Republic of the Congo", not "Congo - Kinshasa". The names are
chosen in one place (the reference loader), so the pages, the API and the reports agree."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import html

from tests.web.conftest import LANGUAGES

TABLE = "classifications/country-codes.csv"

#: The UN's short names (unstats.un.org/unsd/methodology/m49, UNTERM), by economy and page language.
UN_NAMES = {
    "COD": {
        "en": "Democratic Republic of the Congo",
        "fr": "République démocratique du Congo",
        "es": "República Democrática del Congo",
        "ru": "Демократическая Республика Конго",
        "zh-hans": "刚果民主共和国",
        "ar": "جمهورية الكونغو الديمقراطية",
    },
    "LAO": {
        "en": "Lao People's Democratic Republic",
        "fr": "République démocratique populaire lao",
        "es": "República Democrática Popular Lao",
        "ru": "Лаосская Народно-Демократическая Республика",
        "zh-hans": "老挝人民民主共和国",
        "ar": "جمهورية لاو الديمقراطية الشعبية",
    },
    "MMR": {"en": "Myanmar", "fr": "Myanmar", "zh-hans": "缅甸", "ru": "Мьянма"},
    "BOL": {"en": "Bolivia (Plurinational State of)", "fr": "Bolivie (État plurinational de)"},
    "IRN": {"en": "Iran (Islamic Republic of)", "es": "Irán (República Islámica del)"},
    "TUR": {"en": "Türkiye", "fr": "Türkiye", "es": "Türkiye"},
    "CIV": {"en": "Côte d’Ivoire"},
    "KOR": {"en": "Republic of Korea", "fr": "République de Corée", "zh-hans": "大韩民国"},
}
#: What CLDR says instead, in English: never shown once the UN's names are loaded.
CLDR_ENGLISH = {
    "COD": "Congo - Kinshasa",
    "MMR": "Myanmar (Burma)",
    "LAO": "Laos",
    "BOL": "Bolivia",
    "IRN": "Iran",
    "KOR": "South Korea",
    "TUR": "Turkey",
}


@pytest.fixture(scope="module")
def un_named(site_data, shared: Path, django_db_blocker) -> Iterator[None]:
    """The UN names loaded as the set-up loads them; afterwards CLDR's again, for the other tests."""
    from wsis.apps.publishing.domain.refresh import refresh
    from wsis.apps.reference.models import ReferenceRelease
    from wsis.apps.reference.sync import sync_reference
    from wsis.reference import un_names
    from wsis.reference.loader import knowledge

    with django_db_blocker.unblock():
        call_command("un_names", "--from", str(shared / TABLE), stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        un_names.stored_path().unlink(missing_ok=True)
        knowledge.cache_clear()
        sync_reference(knowledge())
        ReferenceRelease.objects.filter(file="un-names").delete()
        # The syncs changed the reference's load time, an input of the publication: publish again, as
        # `wsis setup` does after loading the names, so later tests find the publication up to date.
        refresh(trigger="test: CLDR names again")


def _heading(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.document_fromstring(response.content.decode()).xpath("string(//h1)").strip()


# These two run first: the module's `un_named` fixture keeps the UN names until the module ends.
@pytest.mark.django_db
def test_before_the_un_names_are_loaded_cldr_names_the_economies(site_data, client):
    # Without the table (a set-up without real data), CLDR's names: the fallback, still in six languages.
    assert _heading(client, "/en/economies/COD/") == "Congo - Kinshasa"
    assert _heading(client, "/fr/economies/COD/") == "Congo-Kinshasa"


@pytest.mark.django_db
def test_a_bad_table_is_refused_and_changes_nothing(site_data, shared: Path, tmp_path: Path):
    from wsis.apps.reference.models import Economy
    from wsis.reference import un_names

    before = dict(Economy.objects.values_list("iso3", "names"))
    bad = tmp_path / "codes.csv"
    bad.write_text(
        (shared / "classifications/odw-country-region-codes-2021.csv").read_text(encoding="utf-8-sig")
    )
    with pytest.raises(CommandError, match=r"codes.csv: not a UN country-codes table; missing columns"):
        call_command("un_names", "--from", str(bad))
    with pytest.raises(CommandError, match=r"nowhere.csv: no such file"):
        call_command("un_names", "--from", str(tmp_path / "nowhere.csv"))
    assert dict(Economy.objects.values_list("iso3", "names")) == before
    assert not un_names.stored_path().exists()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_economy_pages_carry_the_un_name_in_each_language(un_named, client, lang):
    for iso3, names in UN_NAMES.items():
        if lang in names:
            assert _heading(client, f"/{lang}/economies/{iso3}/") == names[lang], (iso3, lang)


@pytest.mark.django_db
def test_no_page_or_answer_uses_the_cldr_names_any_more(un_named, client):
    for iso3, cldr_name in CLDR_ENGLISH.items():
        assert _heading(client, f"/en/economies/{iso3}/") != cldr_name
        answer = client.get(f"/api/v1/reference/economies/{iso3}").json()
        assert answer["names"]["en"] == UN_NAMES[iso3]["en"], iso3
    # A list that names many economies: the ranking of Internet use.
    ranking = client.get("/en/indicators/i99H/").content.decode()
    assert "Democratic Republic of the Congo" in ranking
    assert "Congo - Kinshasa" not in ranking and "Myanmar (Burma)" not in ranking


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_reports_name_the_economy_as_the_un_does(un_named, lang):
    from django.utils import translation

    from wsis.apps.reports.domain.subjects import title

    with translation.override(lang):
        assert title("country", 2024, "LAO").startswith(UN_NAMES["LAO"][lang])
