"""The whole-page cache of the public pages (wsis.apps.public.caching): a second visit is served from the
cache, a new release of data changes the page at once, and nothing personal or failed is ever cached."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from pathlib import Path

import pytest
from django.test import Client

from tests.public.pages import BY_NAME

ECONOMY = BY_NAME["economy"].path("en")  # France
ITU_FILE = "itu-datahub/individuals_using_internet.csv"
#: The revised figure of France's Internet use, unlike any figure on the page before.
REVISED = "93.71"


def revision_of_france(shared: Path, folder: Path) -> Path:
    """A one-row ITU DataHub file: France's latest Internet use figure, revised (read from the real file)."""
    with (shared / ITU_FILE).open(encoding="utf-8-sig", newline="") as source:
        rows = [r for r in csv.DictReader(source) if r["entityIso"] == "FRA" and r["seriesCode"] == "i99H"]
    latest = max(rows, key=lambda r: int(r["dataYear"]))
    path = folder / "revision.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(latest), quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerow({**latest, "dataValue": REVISED})
    return path


def settled(client: Client, path: str):
    """Visit ``path`` twice and return the second answer, which must come from the cache: a page view
    stores nothing, so the first view's page is the one cached."""
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit", f"{path} did not come from the page cache"
    return response


@pytest.mark.django_db
def test_a_page_is_cached_until_a_new_release_changes_it(site_data, shared, tmp_path):
    from wsis.apps.warehouse.domain.importing import import_release

    client = Client()
    before = settled(client, ECONOMY)
    again = client.get(ECONOMY)
    assert again["X-Page-Cache"] == "hit" and again.content == before.content
    assert "public" in again["Cache-Control"] and "max-age=" in again["Cache-Control"]
    compressed = client.get(ECONOMY, headers={"Accept-Encoding": "gzip"})
    assert compressed["X-Page-Cache"] == "hit" and compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == before.content, "stored compressed, same page"
    revisit = client.get(ECONOMY, headers={"If-None-Match": again["ETag"]})
    assert revisit.status_code == 304, "a revisit with the validator costs no page"
    assert REVISED[:4] not in before.content.decode()

    import_release(
        [revision_of_france(shared, tmp_path)], name="ITU DataHub revision", date=dt.date(2025, 9, 1)
    )

    revised = client.get(ECONOMY)
    assert revised["X-Page-Cache"] == "miss", "a new release invalidates the cached page"
    assert REVISED[:4] in revised.content.decode(), "the page shows the revised figure"
    assert REVISED[:4] in settled(client, ECONOMY).content.decode(), "and caches the new page in turn"

    french = client.get(BY_NAME["economy"].path("fr"))
    assert french["X-Page-Cache"] == "miss" and french.content != revised.content, "one entry per language"


@pytest.mark.django_db
def test_visitors_with_a_session_and_failures_are_never_cached(site_data, client):
    client.get(ECONOMY)  # cached for anonymous visitors
    client.cookies["sessionid"] = "someone"
    personal = client.get(ECONOMY)
    assert personal.status_code == 200 and "X-Page-Cache" not in personal

    del client.cookies["sessionid"]
    missing = "/en/economies/XXX/"
    assert client.get(missing).status_code == 404
    second = client.get(missing)
    assert second.status_code == 404 and "X-Page-Cache" not in second


@pytest.mark.django_db
def test_a_busy_site_may_reuse_its_reading_of_the_data_state(
    site_data, shared, tmp_path, settings, monkeypatch
):
    from wsis.apps.public import caching
    from wsis.apps.warehouse.domain.importing import import_release

    monkeypatch.setattr(caching, "_readings", {})
    settings.WSIS_PAGE_STATE_SECONDS = 3600
    depends = ("warehouse", "reference")
    before = caching.dependency_state(depends, {})
    import_release(
        [revision_of_france(shared, tmp_path)], name="ITU DataHub revision", date=dt.date(2025, 9, 1)
    )
    assert caching.dependency_state(depends, {}) == before, "read again only after WSIS_PAGE_STATE_SECONDS"
    settings.WSIS_PAGE_STATE_SECONDS = 0
    assert caching.dependency_state(depends, {}) != before, "0 reads it on every request"


def test_unknown_dependencies_are_refused_when_the_urls_load():
    from wsis.apps.public.caching import cached_page

    with pytest.raises(ValueError, match="unknown page dependencies: registrar"):
        cached_page(lambda request: None, ("warehouse", "registrar"))
