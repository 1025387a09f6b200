"""The warehouse API: filters, pages, releases, revisions, and conditional requests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from tests.warehouse.test_warehouse_releases import _itu_file
from wsis.apps.warehouse.domain.importing import import_release


@pytest.fixture()
def vintages(tmp_path: Path):
    old = _itu_file(tmp_path / "old.csv", [("KEN", "2022", 35.0), ("RWA", "2022", 30.0)])
    new = _itu_file(tmp_path / "new.csv", [("KEN", "2022", 40.8), ("BRA", "2022", 80.5)])
    a = import_release([old], name="2024 edition", date=dt.date(2024, 6, 1)).release
    b = import_release([new], name="2025 edition", date=dt.date(2025, 6, 1)).release
    return a, b


@pytest.mark.django_db
def test_observations_latest_and_as_published(client: Client, vintages) -> None:
    a, _ = vintages
    latest = client.get("/api/v1/observations?indicator=i99H&area=KEN").json()
    assert latest["count"] == 1 and latest["results"][0]["value"] == 40.8
    published = client.get(f"/api/v1/observations?indicator=i99H&area=KEN&release={a.id}").json()
    assert published["results"][0]["value"] == 35.0
    assert published["results"][0]["release_id"] == a.id


@pytest.mark.django_db
def test_paging(client: Client, vintages) -> None:
    first = client.get("/api/v1/observations?page_size=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next_page"] == 2
    second = client.get("/api/v1/observations?page_size=2&page=2").json()
    assert len(second["results"]) == 1 and second["next_page"] is None
    assert client.get("/api/v1/observations?page_size=100000").status_code == 422


@pytest.mark.django_db
def test_conditional_get(client: Client, vintages, tmp_path: Path) -> None:
    first = client.get("/api/v1/observations?indicator=i99H")
    etag = first["ETag"]
    assert first["Last-Modified"]
    assert client.get("/api/v1/observations?indicator=i99H", HTTP_IF_NONE_MATCH=etag).status_code == 304
    again = client.get("/api/v1/observations?indicator=i99H")
    assert again["X-Page-Cache"] == "hit" and again.json() == first.json()  # the series read is cached
    import_release([_itu_file(tmp_path / "more.csv", [("FIN", "2022", 93.0)])], name="extra")
    fresh = client.get("/api/v1/observations?indicator=i99H", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["X-Page-Cache"] == "miss"  # a new release: read afresh
    assert fresh.json()["count"] == first.json()["count"] + 1


@pytest.mark.django_db
def test_releases_revisions_and_metadata(client: Client, vintages) -> None:
    a, b = vintages
    releases = client.get("/api/v1/releases").json()
    assert [r["name"] for r in releases] == ["2025 edition", "2024 edition"]
    changes = client.get(f"/api/v1/releases/{b.id}/revisions?against={a.id}").json()["changes"]
    assert {(c["area"], c["change"]) for c in changes} == {
        ("KEN", "revised"),
        ("BRA", "added"),
        ("RWA", "dropped"),
    }
    meta = client.get("/api/v1/indicators/i99H/metadata").json()
    assert meta["catalogue"]["unit"] == "percent" and meta["periods"] == ["2022"]
    assert client.get("/api/v1/indicators/nope/metadata").status_code == 404
    assert client.get("/api/v1/observations?release=nope").status_code == 404
