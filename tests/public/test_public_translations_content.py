"""Our own texts in the page's language: the WSIS-SDG matrix rationales on action line pages and the
indicator definitions, units and legends on indicator pages (on /ar/action-lines/C7/ the rationales were
English without lang or dir; /zh-hans/indicators/i99H/ had an English definition). Where a translation is
missing, the English text is shown marked lang="en" dir="ltr"."""

from __future__ import annotations

import pytest
from lxml import html

from tests.public.language_marking import unmarked_english
from tests.web.conftest import LANGUAGES
from wsis.reference.loader import knowledge

OTHER_LANGUAGES = [lang for lang in LANGUAGES if lang != "en"]


def _key(lang: str) -> str:
    return lang.split("-")[0]


def _page(client, path: str) -> html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.document_fromstring(response.content.decode())


def _rationale_cells(root: html.HtmlElement) -> list[html.HtmlElement]:
    return root.xpath("//section[@aria-labelledby='matrix']//tbody/tr/td[position()=last()-1]")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_matrix_rationales_are_in_the_page_language(site_data, client, lang):
    links = [link for link in knowledge().matrix.links if link.line.startswith("C7.")]
    cells = _rationale_cells(_page(client, f"/{lang}/action-lines/C7/"))
    assert len(cells) == len(links)
    shown = [cell.text_content().strip() for cell in cells]
    for link in links:
        assert link.rationale_translations[_key(lang)] in shown, link
        assert link.rationale not in shown
    assert not [cell for cell in cells if cell.xpath(".//*[@lang]")], (
        "a text in the page's language needs no mark"
    )


@pytest.mark.django_db
def test_english_pages_show_the_english_rationale(site_data, client):
    cells = _rationale_cells(_page(client, "/en/action-lines/C2/"))
    assert "Connecting schools is part of upgrading learning facilities." in [c.text_content() for c in cells]


@pytest.mark.django_db
def test_a_rationale_without_translation_is_english_marked_with_its_direction(site_data, client):
    from wsis.apps.reference.models import MatrixLink, MatrixVersion

    link = MatrixLink.objects.get(line_id="C7.a", target_id="16.9")
    kept = dict(link.rationale_translations)
    try:
        link.rationale_translations = {k: v for k, v in kept.items() if k != "ar"}
        link.save()
        # The page cache follows the matrix's versions: a facilitator's edit comes with a new one.
        MatrixVersion.objects.create(version="test-edit", date="2999-01-01", summary="test")
        root = _page(client, "/ar/action-lines/C7/")
        marked = [c for c in _rationale_cells(root) if link.rationale in c.text_content()]
        assert marked, "the English rationale is shown when Arabic is missing"
        span = marked[0].xpath(".//span[@lang='en']")
        assert span and span[0].get("dir") == "ltr"
        assert _page(client, "/fr/action-lines/C7/") is not None
    finally:
        link.rationale_translations = kept
        link.save()
        MatrixVersion.objects.filter(version="test-edit").delete()


def _facts(root: html.HtmlElement) -> dict[str, html.HtmlElement]:
    terms = root.xpath("//section[@aria-labelledby='definition']//dt")
    return {dt.text_content().strip(): dt.getnext() for dt in terms}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_indicator_definition_and_unit_are_in_the_page_language(site_data, client, lang):
    entry = knowledge().indicators["i99H"]
    root = _page(client, f"/{lang}/indicators/i99H/")
    facts = list(_facts(root).values())
    definition, unit = facts[1], [dd for dd in facts if dd.text_content().strip() in UNITS.values()]
    assert definition.text_content().strip() == entry.definition_translations[_key(lang)]
    assert not definition.xpath(".//*[@lang]")
    assert unit and unit[0].text_content().strip() == UNITS[lang]


#: "percent" in each language (the catalogue's unit words, src/wsis/locale).
UNITS = {"ar": "نسبة مئوية", "zh-hans": "百分比", "fr": "pourcentage", "ru": "процент", "es": "porcentaje"}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_no_english_definition_or_legend_is_left_unmarked_on_indicator_pages(site_data, client, lang):
    response = client.get(f"/{lang}/indicators/i99H/")
    page = response.content.decode()
    assert not unmarked_english(page, lang)
    assert knowledge().indicators["i99H"].definition not in page
    # The axis and legend titles name the unit once, in the page's language.
    assert "percent (percent)" not in page and f"{UNITS[lang]} ({UNITS[lang]})" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_the_reference_indicator_list_shows_definitions_in_the_page_language(site_data, client, lang):
    entry = knowledge().indicators["i992b"]
    page = client.get(f"/{lang}/indicators/").content.decode()
    assert html.document_fromstring(page).xpath("string(//h1)")
    assert entry.definition_translations[_key(lang)] in html.document_fromstring(page).text_content()


@pytest.mark.django_db
def test_the_api_gives_every_translation(site_data, client):
    answer = client.get("/api/v1/reference/action-lines/C2").json()
    link = next(lk for lk in answer["sdg_links"] if lk["target"] == "4.a")
    assert (
        link["rationale_translations"]["fr"]
        == "Connecter les écoles fait partie de la modernisation des installations scolaires."
    )
