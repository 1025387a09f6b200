"""The official UN titles of the SDG targets on the pages, in each language, as `wsis manage sdg_texts`
stores them; where a title is missing, our short English title is shown, marked lang="en" dir="ltr"
(on /ar/action-lines/C7/ these were English without lang or dir, and "5.b" read the wrong way round)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import html

from tests.web.conftest import LANGUAGES
from wsis.reference.sdg_texts import shipped_sdg
from wsis.reference.sdg_translations import load_folder


def _row_of(page: str, target: str) -> html.HtmlElement:
    """The matrix row (its header cell) of a target on an action line page."""
    root = html.document_fromstring(page)
    cells = root.xpath(f"//section[@aria-labelledby='matrix']//th[a[normalize-space()='{target}']]")
    assert cells, f"no matrix row for target {target}"
    return cells[0]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_action_line_shows_the_official_target_titles_in_the_page_language(
    site_data, shared: Path, client, lang
):
    official = load_folder(shared / "sdg-texts").targets["16.9"]
    key = "zh" if lang == "zh-hans" else lang
    cell = _row_of(client.get(f"/{lang}/action-lines/C7/").content.decode(), "16.9")
    assert official[key] in cell.text_content()
    assert not cell.xpath(".//*[@lang]"), "a title in the page's language needs no mark"


@pytest.mark.django_db
def test_a_missing_official_title_falls_back_to_english_marked(site_data, shared: Path, client):
    from wsis.apps.reference.sync import store_sdg_titles

    titles = load_folder(shared / "sdg-texts")
    english = titles.targets["5.b"]["en"]
    try:
        # Stored as the command stores them (which also renews the pages' cache state).
        titles.targets["5.b"] = {"en": english}
        store_sdg_titles(titles, "5.b in English only")
        cell = _row_of(client.get("/ar/action-lines/C7/").content.decode(), "5.b")
        marked = cell.xpath(".//span[@lang='en']")
        assert marked and marked[0].get("dir") == "ltr"
        # Our own short title (sdg.yaml has targets' titles in English only), not the official one.
        short = next(t for t in shipped_sdg().targets if t.code == "5.b").title.en
        assert marked[0].text_content() == short
    finally:
        store_sdg_titles(load_folder(shared / "sdg-texts"), "tests/public")


@pytest.mark.django_db
def test_the_command_stores_titles_and_a_bad_folder_changes_nothing(site_data, shared: Path, tmp_path: Path):
    from wsis.apps.reference.models import ReferenceRelease, SdgGoal, SdgIndicator, SdgTarget

    SdgTarget.objects.update(official_titles={})
    call_command("sdg_texts", "--from", str(shared / "sdg-texts"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SdgTarget.objects.exclude(official_titles={}).count() == SdgTarget.objects.count() == 169
    assert SdgGoal.objects.get(code="9").official_titles["ru"].startswith("Создание стойкой инфраструктуры")
    assert (
        SdgIndicator.objects.get(code="17.8.1").official_titles["en"]
        == "Proportion of individuals using the Internet"
    )
    assert ReferenceRelease.objects.get(file="sdg-texts").version == "files sdg-texts"

    before = dict(SdgTarget.objects.values_list("code", "official_titles"))
    bad = tmp_path / "texts"
    (bad / "en").mkdir(parents=True)
    (bad / "en" / "global_goals.yml").write_text("1-title: One\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"texts/en/global_targets.yml: file: not found"):
        call_command("sdg_texts", "--from", str(bad))
    assert dict(SdgTarget.objects.values_list("code", "official_titles")) == before
