"""Search across initiatives, indicators and economies, in any of the six languages' scripts."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client

from tests.web.conftest import LANGUAGES


def _found(client: Client, q: str, lang: str = "en") -> dict[str, list[str]]:
    """Per kind of result (the id of its section), the links found, as their last path segment."""
    response = client.get(f"/{lang}/search/", {"q": q})
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    out = {}
    for section in doc.xpath("//section[starts-with(@aria-labelledby, 'found-')]"):
        kind = section.get("aria-labelledby").removeprefix("found-")
        out[kind] = [a.get("href").rstrip("/").rsplit("/", 1)[1] for a in section.xpath(".//li/a")]
    return out


@pytest.fixture
def french_entry(db):
    from tests.registry.factories import entry, user
    from wsis.apps.accounts.domain.organizations import create_organization

    owner = user("owner")
    org = create_organization(
        creator=owner, name="Association des bibliothécaires", stakeholder_type="civil_society"
    )
    published = entry(
        org,
        owner,
        "published",
        original_language="fr",
        title={"fr": "Bibliothèques numériques pour les écoles rurales"},
        summary={"fr": "Des tablettes et des livres numériques"},
        description={
            "fr": "Des bibliothèques numériques installées dans quarante écoles rurales du Sénégal."
        },
        countries=["SEN"],
    )
    hidden = entry(
        org,
        owner,
        "draft",
        original_language="fr",
        title={"fr": "Bibliothèques en brouillon"},
        description={"fr": "Un brouillon que personne ne voit."},
    )
    return published, hidden


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "lang"), [("كينيا", "ar"), ("كينيا", "en"), ("肯尼亚", "zh-hans"), ("Кения", "ru")]
)
def test_economy_by_its_name_in_another_script(client: Client, q: str, lang: str) -> None:
    assert _found(client, q, lang)["economies"][0] == "KEN"


@pytest.mark.django_db
def test_economy_by_iso_code_and_without_accents(client: Client) -> None:
    assert _found(client, "ken")["economies"][0] == "KEN"
    assert _found(client, "KE")["economies"][0] == "KEN"
    assert "CIV" in _found(client, "cote d'ivoire", "fr")["economies"]
    assert "CIV" in _found(client, "Côte d’Ivoire")["economies"]


@pytest.mark.django_db
def test_indicator_by_code_or_name_in_any_language(client: Client, site_data) -> None:
    from wsis.apps.reference.models import Indicator

    names = Indicator.objects.get(code="i99H").names
    for lang, key in (("en", "zh"), ("fr", "fr"), ("ar", "ar"), ("en", "ru")):
        assert "i99H" in _found(client, names[key], lang)["indicators"], key
    assert _found(client, "i99h")["indicators"][0] == "i99H"
    # A series only the warehouse knows (not in the catalogue) is found by its code.
    from wsis.apps.warehouse.models import Observation

    held = set(Observation.objects.values_list("indicator", flat=True).distinct())
    uncatalogued = sorted(held - set(Indicator.objects.values_list("code", flat=True)))
    if uncatalogued:
        assert uncatalogued[0] in _found(client, uncatalogued[0])["indicators"]


@pytest.mark.django_db
def test_initiative_by_french_text(client: Client, french_entry) -> None:
    published, hidden = french_entry
    found = _found(client, "bibliothèques numériques", "fr")
    assert found["initiatives"] == [str(published.pk)]
    assert str(hidden.pk) not in _found(client, "brouillon").get("initiatives", [])
    assert _found(client, "écoles rurales")["initiatives"] == [str(published.pk)]


@pytest.mark.django_db
def test_results_are_grouped_by_kind(client: Client, french_entry) -> None:
    found = _found(client, "Sén")  # Senegal (économie) and the entry's description
    assert "SEN" in found["economies"]
    assert set(found) <= {"economies", "indicators", "initiatives"}


@pytest.mark.django_db
def test_nothing_found_and_too_long(client: Client) -> None:
    html = client.get("/en/search/", {"q": "zzqqxx"}).content.decode()
    assert "Nothing matches" in html
    response = client.get("/en/search/", {"q": "x" * 201})
    assert response.status_code == 400 and "200 characters" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_page_in_every_language(client: Client, lang: str) -> None:
    response = client.get(f"/{lang}/search/", {"q": "Kenya"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html and html.count("<h1") == 1
    assert 'role="search"' in html and 'for="q"' in html
