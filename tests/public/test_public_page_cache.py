"""The whole-page cache of the public pages (wsis.apps.public.caching): a second visit is served from the
cache, a new release of data changes the page at once, and nothing personal or failed is ever cached."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import time
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


def _rendering_lock(path: str) -> str:
    """The cache key a worker holds while it renders ``path`` again for the current data state."""
    from django.test import RequestFactory
    from django.urls import resolve
    from django.utils import translation

    from wsis.apps.public import caching

    match = resolve(path)
    with translation.override(path.split("/")[1]):
        state = caching.dependency_state(match.func.depends, match.kwargs)
        return f"public-page-rendering:{caching.page_key(RequestFactory().get(path), state)}"


@pytest.mark.django_db
def test_a_changed_page_is_served_as_it_was_while_it_is_rendered_again(site_data, shared, tmp_path, settings):
    from django.core.cache import caches

    from wsis.apps.public import caching
    from wsis.apps.warehouse.domain.importing import import_release

    caches[caching.CACHE_ALIAS].clear()  # no rendering left by an earlier test of other data
    client = Client()
    before = settled(client, ECONOMY)
    import_release(
        [revision_of_france(shared, tmp_path)], name="ITU DataHub revision", date=dt.date(2025, 9, 1)
    )
    # Within the stale window: the previous rendering, marked so that browsers come back soon.
    settings.WSIS_PAGE_STALE_SECONDS = 3600
    stale = client.get(ECONOMY)
    assert stale["X-Page-Cache"] == "stale" and stale.content == before.content
    assert "max-age=1" in stale["Cache-Control"]
    assert REVISED[:4] not in client.get(ECONOMY).content.decode(), "still the previous rendering"

    # Past the window, while another worker holds the right to render it: the previous rendering again.
    settings.WSIS_PAGE_STALE_SECONDS = 0
    lock = _rendering_lock(ECONOMY)
    cache = caches[caching.CACHE_ALIAS]
    assert cache.add(lock, 1, 30)
    assert client.get(ECONOMY)["X-Page-Cache"] == "stale"
    cache.delete(lock)
    # Nobody rendering: this visitor renders it, and releases the right to render.
    revised = client.get(ECONOMY)
    assert revised["X-Page-Cache"] == "miss" and REVISED[:4] in revised.content.decode()
    assert cache.get(lock) is None
    assert settled(client, ECONOMY).content == revised.content


@pytest.mark.django_db
def test_the_warm_up_renders_pages_whose_data_changed_instead_of_serving_them_stale(
    site_data, shared, tmp_path, settings
):
    from django.core.cache import caches

    from wsis.apps.public import caching
    from wsis.apps.public.warmup import warm
    from wsis.apps.warehouse.domain.importing import import_release

    caches[caching.CACHE_ALIAS].clear()
    client = Client()
    settled(client, ECONOMY)
    import_release(
        [revision_of_france(shared, tmp_path)], name="ITU DataHub revision", date=dt.date(2025, 9, 1)
    )
    settings.WSIS_PAGE_STALE_SECONDS = 3600
    assert client.get(ECONOMY)["X-Page-Cache"] == "stale"
    done = warm(paths=[ECONOMY])
    assert done["pages"] == 1 and done["rendered_afresh"] == 1
    assert done["charts"] >= 1, "the page's chart drawings are made after the pages"
    served = client.get(ECONOMY)
    assert served["X-Page-Cache"] == "hit" and REVISED[:4] in served.content.decode()


@pytest.mark.django_db
def test_the_warm_up_task_renders_pages_and_series_then_queues_their_charts(site_data):
    from django_tasks_db.models import DBTaskResult

    from wsis.apps.public.warmup import api_series_path, render_pages, series_pairs, warm_pages
    from wsis.apps.publishing.domain import current

    pairs = series_pairs()
    assert ("i99H", "FRA") in pairs
    report, images = render_pages(paths=[ECONOMY, api_series_path("i99H", "FRA")])
    assert report["pages"] == 2 and images and all(page == ECONOMY for page in images.values())
    served = Client().get(api_series_path("i99H", "FRA"))
    assert served["X-Page-Cache"] == "hit" and served.json()["count"] >= 1

    # A newer publication than the task's: it stops at once, with nothing queued after it.
    assert warm_pages.call(publication="0@superseded", paths=[ECONOMY]) == {
        "pages": 0,
        "rendered_afresh": 0,
        "seconds": 0.0,
        "charts_queued": 0,
    }
    before = DBTaskResult.objects.count()
    report = warm_pages.call(publication=current.token(), paths=[ECONOMY])
    assert report["pages"] == 1 and report["charts_queued"] == len(images)
    queued = DBTaskResult.objects.order_by("-enqueued_at")[: DBTaskResult.objects.count() - before]
    assert [t.task_path for t in queued] == ["wsis.apps.public.warmup.draw_charts"]


@pytest.mark.django_db
def test_edits_made_every_moment_delay_a_page_by_the_stale_window_only(site_data, settings):
    """Each edit is a new data state; the stale window runs from when the page's rendering was first found
    outdated, so a page whose initiatives are edited without pause is still rendered again soon."""
    from django.core.cache import caches
    from django.utils import timezone

    from tests.registry.factories import entry, user
    from wsis.apps.accounts.domain.organizations import create_organization
    from wsis.apps.public import caching
    from wsis.apps.registry.models import Initiative

    caches[caching.CACHE_ALIAS].clear()
    client = Client()
    settled(client, ECONOMY)
    settings.WSIS_PAGE_STALE_SECONDS = 0.6
    owner = user("steady-editor")
    org = create_organization(creator=owner, name="Steady libraries", stakeholder_type="civil_society")
    item = entry(
        org, owner, "published", countries=["FRA"], action_lines=["C7.c"], title={"en": "Steady edits"}
    )
    marks = []
    for _ in range(8):
        Initiative.objects.filter(pk=item.pk).update(updated_at=timezone.now())  # an edit: a new state
        answer = client.get(ECONOMY)
        marks.append(answer["X-Page-Cache"])
        if marks[-1] == "miss":
            break
        time.sleep(0.2)
    assert marks[0] == "stale", marks
    assert marks[-1] == "miss", f"edits every 0.2 s kept the page stale past its 0.6 s window: {marks}"
    assert "Steady edits" in answer.content.decode()
