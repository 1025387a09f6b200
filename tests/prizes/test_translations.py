"""The prizes app's own catalogs (src/wsis/apps/prizes/locale) pass the same checks as the site's:
complete in the five non-English UN languages, placeholders kept, plural forms of each language, and a
compiled .mo that matches the .po. The checks are the site's own functions, pointed at this catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

import tests.web.test_translations as site_checks
import wsis.apps.prizes

PRIZES_LOCALE = Path(wsis.apps.prizes.__file__).resolve().parent / "locale"


@pytest.fixture(autouse=True)
def prizes_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_checks, "LOCALE", PRIZES_LOCALE)


@pytest.mark.parametrize("lang", site_checks.PLURAL_FORMS)
def test_prizes_catalog(lang: str) -> None:
    assert site_checks.po_path(lang).is_relative_to(PRIZES_LOCALE)
    source = {(m.context, site_checks.singular(m)) for m in site_checks.messages(site_checks.load_po("en"))}
    assert ("WSIS Prizes", None) != source and len(source) > 100
    site_checks.test_header_names_language_and_utf8(lang)
    site_checks.test_catalog_covers_every_source_string(lang, source)
    site_checks.test_every_message_is_translated_and_reviewed(lang)
    site_checks.test_placeholders_are_kept(lang)
    site_checks.test_plural_forms_match_language(lang)
    site_checks.test_compiled_catalog_is_current(lang)
    site_checks.test_compiled_plural_formula_selects_the_right_form(lang)


def test_pages_are_translated(client, db) -> None:
    from wsis.apps.prizes.domain.phases import create_cycle

    create_cycle(year=2026)
    for lang, text in [
        ("fr", "Prix du SMSI 2026"),
        ("ar", "جوائز القمة العالمية لمجتمع المعلومات 2026"),
        ("zh-hans", "2026 年信息社会世界峰会奖"),
        ("ru", "Премии ВВУИО 2026"),
        ("es", "Premios de la CMSI 2026"),
    ]:
        assert text in client.get(f"/{lang}/prizes/2026/").content.decode()
