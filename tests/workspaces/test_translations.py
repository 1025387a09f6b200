"""The workspaces app's own catalogs (src/wsis/apps/workspaces/locale) pass the site's checks: complete in
the five non-English UN languages, placeholders kept, plural forms of each language, and a compiled .mo
that matches the .po. The pages show the translations in the six languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

import tests.web.test_translations as site_checks
import wsis.apps.workspaces

LOCALE = Path(wsis.apps.workspaces.__file__).resolve().parent / "locale"


@pytest.fixture(autouse=True)
def workspaces_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_checks, "LOCALE", LOCALE)


@pytest.mark.parametrize("lang", site_checks.PLURAL_FORMS)
def test_workspaces_catalog(lang: str) -> None:
    assert site_checks.po_path(lang).is_relative_to(LOCALE)
    source = {(m.context, site_checks.singular(m)) for m in site_checks.messages(site_checks.load_po("en"))}
    assert (None, "Forum outcomes of this line") in source and len(source) > 100
    site_checks.test_header_names_language_and_utf8(lang)
    site_checks.test_catalog_covers_every_source_string(lang, source)
    site_checks.test_every_message_is_translated_and_reviewed(lang)
    site_checks.test_placeholders_are_kept(lang)
    site_checks.test_plural_forms_match_language(lang)
    site_checks.test_compiled_catalog_is_current(lang)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Workspace of action line C2"),
        ("fr", "Espace de travail de la ligne d'action C2"),
        ("es", "Espacio de trabajo de la línea de acción C2"),
        ("ru", "Рабочее пространство направления C2"),
        ("ar", "مساحة عمل خط العمل C2"),
        ("zh-hans", "行动方针 C2 的工作空间"),
    ],
)
def test_pages_are_translated(cast, lang: str, text: str) -> None:
    html = Client().get(f"/{lang}/workspaces/C2/").content.decode()
    assert text in html
    assert f'lang="{lang}"' in html
