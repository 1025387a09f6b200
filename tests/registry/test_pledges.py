"""Partner2Connect pledges: focus area and pillar, type, value, beneficiary groups and measurable targets,
through the domain, the web form, the API and the dumps; bad pledge data is refused naming the field."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from tests.registry import factories
from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.domain.dumps import write_dumps
from wsis.apps.registry.domain.entries import create_initiative
from wsis.apps.registry.interfaces.tabular import data_of
from wsis.apps.registry.models import Initiative

PLEDGE = {
    "kind": "pledge",
    "focus_area": "adoption",
    "pillar": "Digital skills",
    "pledge_type": "programmatic",
    "pledge_value_usd": 1500000,
    "beneficiaries": ["women_girls", "rural_remote"],
    "pledge_targets": [
        {"description": "Women trained in digital skills", "value": "20000", "unit": "people", "year": 2027}
    ],
    "title": {"en": "Digital skills for 20,000 rural women"},
}


@pytest.fixture
def pledge(world):
    return factories.entry(world.org, world.owner, "published", **PLEDGE)


def test_pledge_fields_are_stored_versioned_and_dumped(pledge, settings, tmp_path):
    assert (pledge.focus_area, pledge.pillar, pledge.pledge_type) == (
        "adoption",
        "Digital skills",
        "programmatic",
    )
    assert pledge.pledge_targets == [
        {"description": "Women trained in digital skills", "value": "20000", "unit": "people", "year": 2027}
    ]
    snap = pledge.versions.latest("number").snapshot
    assert snap["beneficiaries"] == ["women_girls", "rural_remote"] and snap["pledge_value_usd"] == "1500000"
    settings.WSIS_REGISTRY_DUMP_DIR = tmp_path
    write_dumps()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "registry.csv").read_text())))
    row = next(r for r in rows if r["ref"] == pledge.ref)
    assert row["pledge_type"] == "programmatic" and row["beneficiaries"] == "women_girls;rural_remote"
    assert json.loads(row["pledge_targets"])[0]["value"] == "20000"
    # The dumped row imports again as the same pledge data.
    again = data_of(row)
    assert again["pledge_targets"] == pledge.pledge_targets and again["beneficiaries"] == pledge.beneficiaries
    assert again["pillar"] == "Digital skills" and again["pledge_value_usd"] == Decimal("1500000")
    dumped = json.loads((tmp_path / "registry.json").read_text())
    assert any(r["focus_area"] == "adoption" for r in dumped["initiatives"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pledge_type": ""}, "pledge_type"),
        ({"focus_area": "everything"}, "focus_area"),
        ({"beneficiaries": ["martians"]}, "beneficiaries"),
        ({"pledge_targets": [{"description": "x", "year": 1999}]}, "pledge_targets"),
        ({"pledge_targets": [{"description": ""}]}, "pledge_targets"),
        ({"pledge_targets": [{"description": "x", "value": "lots"}]}, "pledge_targets"),
        ({"kind": "initiative"}, "focus_area"),
    ],
)
def test_bad_pledge_data_is_refused_naming_the_field(world, change, field):
    before = Initiative.objects.count()
    with pytest.raises(RegistryError, match=f"^{field}:"):
        create_initiative(
            organization=world.org, author=world.owner, data=factories.entry_data(**{**PLEDGE, **change})
        )
    assert Initiative.objects.count() == before


def test_pledge_through_the_form_and_shown_on_its_page(world, client):
    client.force_login(world.owner)
    response = client.post(
        "/en/registry/new/",
        {
            "org": world.org.pk,
            "kind": "pledge",
            "original_language": "en",
            "action_lines": ["C2"],
            "countries": ["KEN"],
            "scope": "national",
            "activity_status": "ongoing",
            "start_date": "2024-01-01",
            "budget_currency": "USD",
            "title_en": "Affordable devices pledge",
            "description_en": "Device financing for rural households.",
            "focus_area": "access",
            "pillar": "Affordability",
            "pledge_type": "financial",
            "pledge_value_usd": "250000",
            "beneficiaries": ["rural_remote"],
            "pledge_targets": "Households with a device | 10000 | households | 2026\nVillages reached | 40",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = Initiative.objects.get(title__en="Affordable devices pledge")
    assert entry.pledge_targets == [
        {"description": "Households with a device", "value": "10000", "unit": "households", "year": 2026},
        {"description": "Villages reached", "value": "40", "unit": "", "year": None},
    ]
    page = client.get(f"/en/registry/{entry.pk}/").content.decode()
    assert (
        "Affordability" in page
        and "Rural and remote communities" in page
        and "Households with a device" in page
    )
    edit = client.get(f"/en/registry/{entry.pk}/edit/").content.decode()
    assert "Households with a device | 10000 | households | 2026" in edit
    bad = client.post(f"/en/registry/{entry.pk}/edit/", {"pledge_targets": "Households | many"})
    assert bad.status_code == 200 and "Line 1" in bad.content.decode()


def test_pledge_through_the_api(world, client):
    from wsis.apps.accounts.domain.tokens import issue_token

    body = {
        "organization": world.org.pk,
        "kind": "pledge",
        "title": {"en": "API pledge"},
        "description": {"en": "Skills"},
        "action_lines": ["C4"],
        "start_date": "2024-01-01",
        "focus_area": "value_creation",
        "pledge_type": "policy",
        "beneficiaries": ["msme"],
        "pledge_targets": [{"description": "Start-ups supported", "value": 300, "year": 2028}],
    }
    headers = {"Authorization": f"Bearer {issue_token(user=world.owner)}"}
    response = client.post(
        "/api/v1/registry/initiatives", json.dumps(body), content_type="application/json", headers=headers
    )
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["pledge_type"] == "policy" and data["pledge_targets"][0]["value"] == "300"
    body["pledge_type"] = "bribery"
    refused = client.post(
        "/api/v1/registry/initiatives", json.dumps(body), content_type="application/json", headers=headers
    )
    assert refused.status_code == 422 and "pledge_type" in refused.content.decode()
