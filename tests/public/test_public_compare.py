"""Compare page on real data: the form (GET, labelled controls), economies side by side with the
warehouse's latest figures and their provenance, and a 400 page naming whatever is wrong."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from tests.web.conftest import LANGUAGES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compare_speaks_each_language(client: Client, site_data, lang: str) -> None:
    from wsis.apps.reference.models import Economy

    response = client.get(f"/{lang}/compare/?economies=KEN,UGA&indicators=i99H")
    assert response.status_code == 200
    page = response.content.decode()
    for iso3 in ("KEN", "UGA"):
        name = Economy.objects.get(iso3=iso3).names[lang.split("-")[0]]
        assert f'<a href="/{lang}/economies/{iso3}/">{html.escape(name, quote=True)}</a>' in page


def test_form_has_labelled_controls(client: Client, site_data) -> None:
    page = client.get("/en/compare/").content.decode()
    assert '<form method="get"' in page
    assert '<label for="economies">' in page and '<select id="economies" name="economies" multiple' in page
    assert "<fieldset><legend>" in page and 'name="indicators" value="i99H"' in page


def test_side_by_side_figures_are_the_warehouse_rows(client: Client, site_data) -> None:
    from wsis.apps.public.templatetags.public_format import format_measure
    from wsis.apps.warehouse.models import Observation

    # Both spellings of the parameters: comma-separated and repeated (as the form sends them).
    for query in ("economies=FRA,KEN,BRA&indicators=i99H,i992b", "economies=FRA&economies=KEN&economies=BRA"):
        page = client.get(f"/en/compare/?{query}&indicators=i99H").content.decode()
        for iso3 in ("FRA", "KEN", "BRA"):
            obs = (
                Observation.objects.filter(
                    is_latest=True, indicator="i99H", area=iso3, sex="_T", urbanisation="_T", age="_T"
                )
                .select_related("release")
                .order_by("-period")
                .first()
            )
            shown = format_measure(obs.value, obs.unit, "en")
            assert f'<data value="{obs.value:g}">{shown}</data> ({obs.period})' in page
            assert f'href="#release-{obs.release.id}"' in page
        assert 'id="sources"' in page


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("economies=KEN,XXX", "XXX"),
        ("economies=KEN", "1 given"),
        ("economies=KEN,UGA,FRA,DEU,BRA,IND", "6 given"),
        ("economies=KEN,UGA&indicators=i99H,nope", "nope"),
    ],
)
def test_bad_choices_get_a_400_naming_them(client: Client, site_data, query: str, named: str) -> None:
    response = client.get(f"/en/compare/?{query}")
    assert response.status_code == 400
    alert = response.content.decode().split('role="alert"', 1)[1].split("</p>", 1)[0]
    assert named in alert
    assert '<form method="get"' in response.content.decode()  # the form again, to correct the choice
