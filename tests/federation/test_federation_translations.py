"""The federation app's own catalogs (staff pages, the national figures and the country case studies):
every message translated and reviewed in the five non-English UN languages, placeholders kept, and a
compiled .mo that matches the .po. The site's own check functions, pointed at this catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

import tests.web.test_translations as site_checks
import wsis.apps.federation

LOCALE = Path(wsis.apps.federation.__file__).resolve().parent / "locale"


@pytest.fixture(autouse=True)
def federation_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_checks, "LOCALE", LOCALE)


@pytest.mark.parametrize("lang", site_checks.PLURAL_FORMS)
def test_federation_catalog(lang: str) -> None:
    assert site_checks.po_path(lang).is_relative_to(LOCALE)
    source = {(m.context, site_checks.singular(m)) for m in site_checks.messages(site_checks.load_po("en"))}
    assert (None, "Country case studies") in source and (None, "National figure") in source
    site_checks.test_catalog_covers_every_source_string(lang, source)
    site_checks.test_every_message_is_translated_and_reviewed(lang)
    site_checks.test_placeholders_are_kept(lang)
    site_checks.test_compiled_catalog_is_current(lang)
