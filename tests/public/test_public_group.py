"""Group profile on real data: every language, the engine's aggregates with their imputed share, the
dispersion between members (checked against the engine's inequality measures on the warehouse rows),
members on a date, and clear answers to bad input."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.web.conftest import LANGUAGES

pytestmark = pytest.mark.django_db


def fresh(client: Client, url: str) -> str:
    """The page rendered now: engine results cached by an earlier test point at computations whose
    transaction was rolled back, so this test starts from empty caches."""
    from django.core.cache import caches

    caches["default"].clear()
    caches["pages"].clear()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_profile_speaks_each_language(client: Client, site_data, lang: str) -> None:
    from wsis.apps.reference.models import Group

    ldc = Group.objects.get(code="LDC")
    response = client.get(f"/{lang}/groups/LDC/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{html.escape(ldc.names[lang.split('-')[0]], quote=True)}</h1>" in page
    assert 'href="/' + lang + '/economies/AFG/"' in page


def test_aggregate_is_the_engine_figure_with_its_imputed_share(client: Client, site_data) -> None:
    from wsis.apps.measure.models import Computation
    from wsis.apps.public.templatetags.public_format import format_measure, format_percent_value

    page = fresh(client, "/en/groups/LDC/")
    row = re.search(r'<tr><th scope="row"><a href="/en/indicators/i99H/">.*?</tr>', page, re.S).group(0)
    computation = Computation.objects.get(pk=int(re.search(r"computations/(\d+)", row).group(1)))
    assert computation.kind == "aggregate" and "LDC" in computation.parameters["groups"]
    assert computation.parameters["weights"] == "SP.POP.TOTL"
    ok = [a for a in computation.result["aggregates"] if a["status"] == "ok" and a["group"] == "LDC"]
    newest = max(ok, key=lambda a: a["period"])
    assert format_measure(newest["value"], "percent", "en") in row
    assert f"<td>{newest['period']}</td>" in row
    assert format_percent_value(newest["imputed_share"] * 100, 0, "en") in row
    assert "estimated" in row if newest["imputed_share"] else "reported" in row


def test_dispersion_matches_the_members_figures(client: Client, site_data) -> None:
    from wsis.apps.measure.models import Computation
    from wsis.apps.reference.models import Membership
    from wsis.apps.warehouse.models import Observation
    from wsis.engine.measure import inequality

    page = fresh(client, "/en/groups/LDC/")
    part = page[page.index('id="dispersion"') : page.index('id="members"')]
    computation = Computation.objects.get(pk=int(re.search(r"computations/(\d+)", part).group(1)))
    stored = computation.result["inequality"][0]
    period = str(stored["period"])
    day = f"{period}-07-01"
    members = set(
        Membership.objects.filter(group="LDC", valid_from__lte=day)
        .exclude(valid_to__lte=day)
        .values_list("economy_id", flat=True)
    )
    totals = {"sex": "_T", "urbanisation": "_T", "age": "_T"}
    rates = dict(
        Observation.objects.filter(
            is_latest=True, indicator="i99H", period=period, area__in=members, **totals
        ).values_list("area", "value")
    )
    people = dict(
        Observation.objects.filter(
            is_latest=True, indicator="SP.POP.TOTL", period=period, area__in=members
        ).values_list("area", "value")
    )
    both = sorted(set(rates) & set(people))
    gini = inequality.gini([rates[a] for a in both], [people[a] for a in both])
    assert stored["economies"] == len(both)
    assert stored["gini"] == pytest.approx(gini)
    assert f"<dd>{gini:.3f}</dd>" in part
    lowest = min(both, key=lambda a: rates[a])
    assert f'href="/en/economies/{lowest}/"' in part


def test_members_follow_the_date(client: Client, site_data) -> None:
    # Bhutan graduated from the LDC category in December 2023.
    before = client.get("/en/groups/LDC/?on=2023-06-30").content.decode()
    after = client.get("/en/groups/LDC/?on=2024-06-30").content.decode()
    members = 'href="/en/economies/BTN/"'
    assert members in before[before.index('id="members"') :]
    assert members not in after[after.index('id="members"') :]


def test_income_group_has_its_world_bank_members(client: Client, site_data) -> None:
    page = client.get("/en/groups/LMC/?on=2022-12-31").content.decode()
    assert 'href="/en/economies/KEN/"' in page


def test_bad_input(client: Client, site_data) -> None:
    response = client.get("/en/groups/LDC/?on=31-12-2023")
    assert response.status_code == 400
    assert "31-12-2023" in response.content.decode() and "YYYY-MM-DD" in response.content.decode()
    assert client.get("/en/groups/NOPE/").status_code == 404
    assert client.get("/en/groups/ldc/")["Location"] == "/en/groups/LDC/"
