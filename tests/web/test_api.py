"""The reference API answers with the same knowledge as the pages, and documents itself."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_action_line_with_links(client: Client) -> None:
    data = client.get("/api/v1/reference/action-lines/C2").json()
    assert data["code"] == "C2" and "ITU" in data["lead_facilitators"]
    assert data["sdg_links"] and all(link["line"] == "C2" for link in data["sdg_links"])
    assert set(data["names"]) >= {"en"}


@pytest.mark.django_db
def test_economy_with_groups_and_six_names(client: Client) -> None:
    data = client.get("/api/v1/reference/economies/rwa").json()
    assert data["m49"] == "646" and set(data["names"]) == {"ar", "zh", "en", "fr", "ru", "es"}
    assert {"LDC", "LLDC"} <= {m["group"] for m in data["groups"]}


@pytest.mark.django_db
def test_group_members_on_a_date(client: Client) -> None:
    before = client.get("/api/v1/reference/groups/LDC/members?on=2024-06-30").json()["members"]
    after = client.get("/api/v1/reference/groups/LDC/members?on=2025-06-30").json()["members"]
    assert "STP" in before and "STP" not in after
    assert client.get("/api/v1/reference/groups/LDC/members?on=not-a-date").status_code == 422


@pytest.mark.django_db
def test_unknown_code_is_404_and_openapi_is_published(client: Client) -> None:
    assert client.get("/api/v1/reference/economies/XXX").status_code == 404
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/reference/economies/{iso3}" in spec["paths"]
