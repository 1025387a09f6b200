"""Every reference page type answers in each of the six UN languages, with the right direction,
landmarks, a skip link, a language switcher, and translated interface strings."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.conftest import LANGUAGES

PAGES = [
    "/{lang}/",
    "/{lang}/action-lines/",
    "/{lang}/action-lines/C2/",
    "/{lang}/action-lines/C7.c/",
    "/{lang}/sdgs/",
    "/{lang}/sdgs/9/",
    "/{lang}/sdgs/targets/9.c/",
    "/{lang}/economies/",
    "/{lang}/economies/KEN/",
    "/{lang}/groups/",
    "/{lang}/groups/LDC/",
    "/{lang}/indicators/",
    "/{lang}/targets/",
]

# The word for "Economies" in the main navigation, as each translation must render it.
NAV_ECONOMIES = {
    "ar": "الاقتصادات",
    "zh-hans": "经济体",
    "en": "Economies",
    "fr": "Économies",
    "ru": "Экономики",
    "es": "Economías",
}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_page_serves_in_language(client: Client, page: str, lang: str) -> None:
    response = client.get(page.format(lang=lang))
    assert response.status_code == 200, page
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<header" in html and "<footer" in html and html.count("<nav ") == 2
    assert NAV_ECONOMIES[lang] in html
    # The switcher links to the same page in every language.
    for other in LANGUAGES:
        assert f'hreflang="{other}"' in html


@pytest.mark.django_db
def test_economy_names_follow_language(client: Client) -> None:
    assert "Kenya" in client.get("/en/economies/KEN/").content.decode()
    assert "كينيا" in client.get("/ar/economies/KEN/").content.decode()
    assert "肯尼亚" in client.get("/zh-hans/economies/KEN/").content.decode()


@pytest.mark.django_db
def test_action_line_shows_facilitators_and_sdg_links(client: Client) -> None:
    html = client.get("/en/action-lines/C2/").content.decode()
    assert "ITU" in html
    assert re.search(r'href="/en/sdgs/targets/\d+\.[0-9a-z]+/"', html)


@pytest.mark.django_db
def test_target_lists_lines_that_serve_it(client: Client) -> None:
    from wsis.reference.loader import knowledge

    k = knowledge()
    target = k.matrix.links[0].target
    html = client.get(f"/en/sdgs/targets/{target}/").content.decode()
    for line in k.lines_for_target(target):
        assert f'href="/en/action-lines/{line}/"' in html


@pytest.mark.django_db
def test_group_page_follows_membership_dates(client: Client) -> None:
    # Bhutan graduated from the LDC category in December 2023.
    before = client.get("/en/groups/LDC/?on=2023-06-30").content.decode()
    after = client.get("/en/groups/LDC/?on=2024-06-30").content.decode()
    assert 'href="/en/economies/BTN/"' in before
    assert 'href="/en/economies/BTN/"' not in after


@pytest.mark.django_db
def test_bad_date_and_unknown_codes_are_not_found(client: Client) -> None:
    bad_date = client.get("/en/groups/LDC/?on=yesterday")
    assert bad_date.status_code == 400 and "yesterday" in bad_date.content.decode()
    assert client.get("/en/economies/XXX/").status_code == 404
    assert client.get("/en/action-lines/C99/").status_code == 404


@pytest.mark.django_db
def test_root_redirects_by_accept_language(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"] == "/fr/"


@pytest.mark.django_db
def test_admin_requires_staff_login(client: Client) -> None:
    response = client.get("/en/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_health_reports_database(client: Client) -> None:
    data = client.get("/healthz").json()
    assert data["status"] == "ok" and data["database"] in {"sqlite", "postgresql"}
