"""Home page on real data: headline figures are the engine's population-weighted world aggregate with
year, imputed share and releases; the state of the main targets; what is new."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.conftest import LANGUAGES

pytestmark = pytest.mark.django_db

TITLE = {
    "en": "WSIS Observatory",
    "fr": "Observatoire du SMSI",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_speaks_each_language(client: Client, site_data, lang: str) -> None:
    from wsis.apps.reference.models import Indicator

    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{lang}"' in page
    # The headline's indicator is named from the catalogue in the page's language.
    name = Indicator.objects.get(code="i99H").names[lang.split("-")[0]]
    assert name.replace("'", "&#x27;") in page
    if lang in ("en", "fr"):
        assert f"<h1>{TITLE[lang]}</h1>" in page


def test_headline_is_the_world_aggregate(client: Client, site_data) -> None:
    from django.core.cache import caches

    from wsis.apps.measure.models import Computation
    from wsis.apps.public.templatetags.public_format import format_measure

    caches["default"].clear()
    caches["pages"].clear()
    page = client.get("/en/").content.decode()
    first = page[page.index('id="headlines"') : page.index("</li>", page.index('id="headlines"'))]
    computation = Computation.objects.get(pk=int(re.search(r"computations/(\d+)", first).group(1)))
    # The refresh aggregates each indicator over every group in one computation: the world's rows are WLD's.
    assert computation.parameters["indicator"] == "i99H" and "WLD" in computation.parameters["groups"]
    newest = max(
        (a for a in computation.result["aggregates"] if a["status"] == "ok" and a["group"] == "WLD"),
        key=lambda a: a["period"],
    )
    assert format_measure(newest["value"], "percent", "en") in first
    assert f"{newest['period']} ·" in first and "imputed" in first
    for release in computation.releases.all():
        assert release.name in first


def test_main_targets_and_what_is_new(client: Client, site_data) -> None:
    from wsis.apps.warehouse.models import Release

    page = client.get("/en/").content.decode()
    targets = page[page.index('id="targets"') : page.index('id="new"')]
    assert "BBC2025-3.WLD" in targets and "SDG-9.c" in targets
    assert re.search(r"target achieved|on track|acceleration needed|limited progress|deterioration", targets)
    # Qualitative targets are listed as not assessed, with the engine's reason.
    assert "BBC2025-1" in targets and "qualitative target" in targets
    new = page[page.index('id="new"') : page.index('id="explore"')]
    for release in Release.objects.all():
        assert release.name in new
    assert 'href="/en/compare/"' in page
