"""The publication pipeline as the public site meets it (issue 12): pages and API reads only read, figures
come from the current publication made by a refresh, and each cached page is rendered again when - and
only when - what it shows changes."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client

from tests.public.pages import PAGE_TYPES

pytestmark = pytest.mark.django_db

#: Reads of the API, each a GET anyone may send: the warehouse, the measurement engine, the registry and
#: the reference knowledge. The measurement ones ask questions no refresh published, so they compute.
API_READS = (
    "/api/v1/observations?indicator=i99H&area=KEN",
    "/api/v1/indicators",
    "/api/v1/indicators/i99H/metadata",
    "/api/v1/releases",
    "/api/v1/measure/aggregate?indicator=i99H&group=LDC&period=2021&impute=nearest:2",
    "/api/v1/measure/divides?indicator=i99H&period=2022&group=LDC",
    "/api/v1/measure/divides/inequality?indicator=i99H&period=2022",
    "/api/v1/measure/progress?target=BBC2025-3.WLD",
    "/api/v1/measure/progress?target=BBC2025-3.WLD&economy=KEN",
    "/api/v1/measure/affordability?basket=fixed_broadband_price_5gb",
    "/api/v1/measure/index/idi-2024",
    "/api/v1/registry/initiatives",
    "/api/v1/reference/economies",
)


def database_checksum() -> dict[str, str]:
    """Row count and a digest of every row, per table: what "the database is unchanged" means here."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {name}")  # noqa: S608 - table names from the database itself
            digest = hashlib.sha256()
            rows = sorted(repr(r) for r in cursor.fetchall())
            for row in rows:
                digest.update(row.encode())
            out[table] = f"{len(rows)}:{digest.hexdigest()[:16]}"
    return out


def public_paths() -> list[str]:
    from django.urls import reverse

    paths = [p.path(lang) for p in PAGE_TYPES for lang in ("en", "ar")]
    paths += ["/en/groups/WLD/", "/en/groups/SIDS/", "/en/economies/KEN/", "/ar/economies/KEN/"]
    paths += [
        reverse("public:indicator_download", args=["i99H", fmt]) + "?part=ranking"
        for fmt in ("csv", "json", "sdmx")
    ]
    return paths


def test_pages_and_api_reads_write_nothing(client: Client, site_data) -> None:
    """Every page type and API read, on empty caches, leaves the database exactly as it was: no page or
    answer computes and stores a figure on first view."""
    for alias in ("default", "pages", "charts"):
        caches[alias].clear()
    before = database_checksum()
    for path in public_paths():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
    for path in API_READS:
        # Some questions the shared data cannot answer (no price baskets in USD, too few IDI inputs): a
        # clear 404 is an answer too. What matters here is that no answer writes.
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code, response.content[:300])
    after = database_checksum()
    changed = sorted(t for t in before if before[t] != after.get(t))
    assert not changed, f"reading pages and the API changed {changed}"


def test_api_answers_a_new_question_without_storing_it(client: Client, site_data) -> None:
    from wsis.apps.measure.models import Computation

    count = Computation.objects.count()
    body = client.get(API_READS[4]).json()
    assert body["provenance"]["computation"] is None, "computed for the request, not kept"
    assert Computation.objects.count() == count


def test_pages_show_the_current_publication(client: Client, site_data) -> None:
    """The home page's world aggregate is the figure of the current publication, with its computation."""
    from wsis.apps.publishing.domain import catalogue, current

    published = current.figure(catalogue.aggregates_key("i99H", "WLD"))
    newest = max((a for a in published if a["status"] == "ok"), key=lambda a: a["period"])
    caches["pages"].clear()
    page = client.get("/en/").content.decode()
    headline = page[page.index('id="headlines"') : page.index("</li>", page.index('id="headlines"'))]
    assert f"computations/{newest['computation']}" in headline
    assert f"{newest['period']} ·" in headline


def test_a_refresh_of_the_same_data_publishes_the_same_figures(site_data) -> None:
    """A second refresh is a new publication (the first retired) with identical figures: the stored
    computations are found again by their fingerprints, not computed into copies."""
    from wsis.apps.measure.models import Computation
    from wsis.apps.publishing.domain.refresh import refresh, up_to_date
    from wsis.apps.publishing.models import Publication

    first = Publication.objects.get(state="current")
    assert up_to_date()
    computations = Computation.objects.count()
    second = refresh(trigger="test")
    first.refresh_from_db()
    assert first.state == "retired" and second.state == "current"
    assert Publication.objects.filter(state="current").count() == 1
    assert Computation.objects.count() == computations
    old = dict(first.figures.values_list("key", "value"))
    new = dict(second.figures.values_list("key", "value"))
    assert old == new and len(new) == second.figure_count > 100
    kinds = {k.split("/")[0] for k in new}
    assert kinds == {"aggregates", "dispersion", "progress"}
    # Every group with members has its aggregates; every economy with a target its progress.
    assert "aggregates/i99H/WLD" in new and "aggregates/i99H/LDC" in new and "progress/KEN" in new


def test_cold_pages_after_a_refresh_compute_nothing(site_data, django_assert_max_num_queries) -> None:
    """Each figures page renders from a handful of reads: no computation, whatever the cache holds."""
    for alias in ("default", "pages", "charts"):
        caches[alias].clear()
    client = Client()
    for path in ("/en/", "/en/economies/KEN/", "/en/groups/LDC/", "/ar/groups/WLD/"):
        with django_assert_max_num_queries(40):
            assert client.get(path).status_code == 200


def hit(client: Client, path: str) -> bool:
    response = client.get(path)
    assert response.status_code == 200, path
    return response["X-Page-Cache"] == "hit"


@pytest.fixture
def kenyan_entry(db):
    from tests.registry.factories import entry, user
    from wsis.apps.accounts.domain.organizations import create_organization

    owner = user("cache-owner")
    org = create_organization(creator=owner, name="Maktaba", stakeholder_type="civil_society")
    return owner, entry(org, owner, "published", action_lines=["C7.c"], countries=["KEN"])


def test_an_edited_initiative_renders_again_only_the_pages_that_list_it(
    client: Client, site_data, kenyan_entry
) -> None:
    from tests.registry.factories import entry_data
    from wsis.apps.registry.domain.entries import update_initiative

    owner, item = kenyan_entry
    kenya, france = "/en/economies/KEN/", "/en/economies/FRA/"
    line, sub_line, other_line = "/en/action-lines/C7/", "/en/action-lines/C7.c/", "/en/action-lines/C3/"
    unrelated = ["/en/indicators/i99H/", "/en/groups/LDC/", france, other_line]
    for path in [kenya, line, sub_line, *unrelated]:
        client.get(path)
        assert hit(client, path), f"{path} is cached"
    assert "Community broadband for rural schools" in client.get(kenya).content.decode()

    update_initiative(
        initiative=item,
        author=owner,
        data=entry_data(action_lines=["C7.c"], countries=["KEN"], title={"en": "Maktaba mobile libraries"}),
    )

    assert not hit(client, kenya), "the profile of the economy it names is rendered again"
    assert "Maktaba mobile libraries" in client.get(kenya).content.decode()
    assert not hit(client, line), "so is the page of its action line (C7 lists C7.c)"
    assert not hit(client, sub_line), "and the page of its sub-line (a code with a lower-case letter)"
    for path in unrelated:
        assert hit(client, path), f"{path} does not list it and stays cached"


def test_a_country_or_line_changed_in_the_link_table_alone_renders_again_the_pages_that_list_it(
    client: Client, site_data, kenyan_entry
) -> None:
    """Scoped tokens are read again when the link tables change, even if the initiative's own row (and
    so its change log) is not touched."""
    _, item = kenyan_entry
    kenya, france, line, other_line = (
        "/en/economies/KEN/",
        "/en/economies/FRA/",
        "/en/action-lines/C7/",
        "/en/action-lines/C3/",
    )
    for path in (kenya, france, line, other_line):
        client.get(path)
        assert hit(client, path), f"{path} is cached"
    title = "Community broadband for rural schools"
    assert title in client.get(kenya).content.decode() and title not in client.get(france).content.decode()
    assert title in client.get(line).content.decode() and title not in client.get(other_line).content.decode()

    # The cache is shared: a page whose data return to a state seen before may be a hit, so what each
    # page shows is what tells whether it was rendered again.
    item.countries.set(["FRA"])
    assert title in client.get(france).content.decode(), "France's profile lists it now"
    assert title not in client.get(kenya).content.decode(), "Kenya's no longer does"
    assert hit(client, line) and hit(client, other_line), "no action line changed"

    item.action_lines.set(["C3"])
    assert title in client.get(other_line).content.decode(), "C3's page lists it now"
    assert title not in client.get(line).content.decode(), "C7's no longer does"
    assert hit(client, france), "no economy changed"


def test_cached_profiles_of_many_economies_read_their_scoped_tokens_together(
    client: Client, site_data, kenyan_entry, settings, monkeypatch, django_assert_max_num_queries
) -> None:
    """A busy process (tokens reused for WSIS_PAGE_STATE_SECONDS) serves cached profiles of any number of
    economies with a few queries in all, not a query per economy and per token."""
    from wsis.apps.public import caching
    from wsis.apps.reference.models import Economy

    monkeypatch.setattr(caching, "_readings", {})  # readings kept for an hour stay in this test
    paths = [f"/en/economies/{iso3}/" for iso3 in Economy.objects.values_list("iso3", flat=True)[:12]]
    assert len(paths) == 12
    for path in paths:
        client.get(path)
    settings.WSIS_PAGE_STATE_SECONDS = 3600
    client.get(paths[0])  # this process reads the tokens once
    with django_assert_max_num_queries(0):
        for path in paths:
            assert client.get(path)["X-Page-Cache"] == "hit", path


def test_a_new_case_study_renders_again_only_the_pages_that_list_it(client: Client, site_data) -> None:
    from wsis.apps.federation.domain.case_studies import Draft, publish

    listing = ["/en/economies/KEN/", "/en/action-lines/C7/", "/en/action-lines/C7.c/", "/fr/case-studies/"]
    unrelated = ["/en/economies/FRA/", "/en/action-lines/C3/", "/en/indicators/i99H/", "/en/groups/LDC/"]
    for path in [*listing, *unrelated]:
        client.get(path)
        assert hit(client, path), f"{path} is cached"
    case = publish(
        Draft(
            economy="KEN",
            title="Libraries as public access points",
            publisher="Kenya National Library Service",
            published_on="2025-05-02",
            language="en",
            action_lines=["C7.c"],
            link="https://knls.example.ke/access-points",
        )
    )
    try:
        for path in listing:
            assert not hit(client, path), f"{path} lists it and is rendered again"
            assert "Libraries as public access points" in client.get(path).content.decode(), path
        for path in unrelated:
            assert hit(client, path), f"{path} does not list it and stays cached"
    finally:
        case.delete()


def test_a_refresh_of_the_same_data_renders_again_no_page_of_figures(client: Client, site_data) -> None:
    from wsis.apps.publishing.domain.refresh import refresh

    figures = ["/fr/economies/KEN/", "/en/groups/LDC/", "/en/indicators/i99H/", "/en/action-lines/C3/"]
    for path in ["/en/", *figures]:
        client.get(path)
        assert hit(client, path)
    refresh(trigger="test")
    assert not hit(client, "/en/"), "the home page names the publication it shows"
    for path in figures:
        assert hit(client, path), f"{path} shows the same figures and stays cached"


def test_a_new_release_renders_again_only_the_pages_whose_figures_it_changed(
    client: Client, site_data, shared, tmp_path
) -> None:
    import datetime as dt

    from tests.public.test_public_page_cache import REVISED, revision_of_france
    from wsis.apps.public.warmup import popular_paths
    from wsis.apps.publishing.domain import current, pages
    from wsis.apps.publishing.domain.refresh import refresh
    from wsis.apps.warehouse.domain.importing import import_release

    france, kenya = "/en/economies/FRA/", "/ar/economies/KEN/"
    series = "/api/v1/observations?indicator=i99H&area=FRA"
    changed = [france, "/fr/indicators/i99H/", "/en/groups/WLD/", "/en/", series]
    unchanged = [
        kenya,
        "/en/indicators/i911mw/",
        "/en/action-lines/C3/",
        "/api/v1/observations?indicator=i911mw&area=FRA",
    ]
    for path in [*changed, *unchanged]:
        client.get(path)
        assert hit(client, path), f"{path} is cached"
    before = current.current().pages

    revision = revision_of_france(shared, tmp_path)
    import_release([revision], name="ITU DataHub revision", date=dt.date(2025, 9, 1))
    assert REVISED[:4] in client.get(france).content.decode(), "new observations show before any refresh"
    refresh(trigger="test")

    after = current.current().pages
    for scope in ("economy:FRA", "indicator:i99H", "group:WLD"):
        assert after[scope] != before[scope], f"the publication records that {scope} changed"
    for scope in ("economy:KEN", "indicator:i911mw"):
        assert after[scope] == before[scope], f"and that {scope} did not"
    first = pages.changed_scopes()
    assert {"economy:FRA", "indicator:i99H"} <= first and "economy:KEN" not in first
    order = list(popular_paths(first))
    assert order.index("/ar/economies/FRA/") < order.index("/en/economies/AFG/"), "the warm-up starts there"
    for path in changed:
        assert not hit(client, path), f"{path} shows the revision and is rendered again"
    assert REVISED[:4] in client.get(france).content.decode()
    assert REVISED[:4] in client.get(series).content.decode()
    for path in unchanged:
        assert hit(client, path), f"{path} shows none of the revised figures and stays cached"


def test_the_page_cache_is_shared_through_files_by_default(site_data, settings) -> None:
    """The embedded default needs no cache server: pages are kept as files under the data folder, where
    every worker process finds them."""
    from pathlib import Path

    backend = settings.CACHES["pages"]
    assert backend["BACKEND"].endswith("FileBasedCache")
    caches["pages"].clear()
    Client().get("/en/groups/LDC/")
    assert any(Path(backend["LOCATION"]).glob("*.djcache"))


def test_warm_up_renders_the_popular_pages_into_the_cache(client: Client, site_data) -> None:
    from wsis.apps.public.warmup import popular_paths, warm
    from wsis.apps.publishing.domain import current
    from wsis.apps.reference.models import Economy, Group

    paths = list(popular_paths())
    per_language = 1 + Economy.objects.count() + Group.objects.count() + 1
    assert len(paths) > 6 * per_language, "home, every economy and group (and WLD), indicators, six languages"
    assert "/ar/economies/KEN/" in paths and "/zh-hans/groups/WLD/" in paths
    assert "/es/indicators/i99H/" in paths
    caches["pages"].clear()
    chosen = ["/en/economies/KEN/", "/ar/groups/WLD/", "/ru/indicators/i99H/"]
    done = warm(publication=current.token(), paths=chosen)
    assert done["pages"] == 3 and done["rendered_afresh"] == 3
    for path in chosen:
        assert hit(client, path), f"{path} was warmed"


def test_a_refresh_queues_the_warm_up_as_a_background_task(
    site_data, settings, django_capture_on_commit_callbacks
) -> None:
    from django_tasks_db.models import DBTaskResult

    from wsis.apps.publishing.domain.refresh import refresh

    settings.WSIS_WARM_PAGES = True
    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction never commits
        refresh(trigger="test")
    queued = DBTaskResult.objects.order_by("-enqueued_at")[: DBTaskResult.objects.count() - before]
    assert [t.task_path for t in queued] == ["wsis.apps.public.warmup.warm_pages"]
    assert re.match(r"\d+@", queued[0].args_kwargs["kwargs"]["publication"])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """Debian's redis-server on a free loopback port, as production would run it (scripts/test.sh
    installs it)."""
    import shutil
    import socket
    import subprocess
    import time

    server = shutil.which("redis-server")
    assert server, "redis-server is missing: scripts/test.sh installs Debian's redis-server"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def test_pages_are_shared_through_redis_in_production(site_data, settings, redis_url, monkeypatch) -> None:
    """With WSIS_REDIS_URL, every cache is Django's own RedisCache (one client per process): a page rendered
    by one worker is a hit for every other (here: a second client)."""
    import redis

    from wsis.site import settings as site_settings

    monkeypatch.setattr(site_settings, "WSIS_REDIS_URL", redis_url)
    settings.CACHES = {name: site_settings._cache(name, 10) for name in ("default", "pages", "charts")}
    assert settings.CACHES["pages"]["LOCATION"] == redis_url
    backend = caches["pages"]
    assert isinstance(backend, RedisCache)
    # The same client for every call (Django's own builds one per call, a fifth of a cached read's cost).
    assert backend._cache.get_client() is backend._cache.get_client()
    backend.clear()
    first = Client().get("/en/groups/LDC/")
    assert first["X-Page-Cache"] == "miss"
    second = Client().get("/en/groups/LDC/")
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    keys = redis.Redis.from_url(redis_url).keys("wsis-pages:*")
    assert keys, "the page is kept in Redis"


def test_each_process_keeps_the_pages_it_served_and_forgets_them_after_a_clear(
    site_data, settings, redis_url, monkeypatch
) -> None:
    """In production every server process also keeps the pages it read from Redis (their key names their
    content), and forgets them within WSIS_PAGE_STATE_SECONDS of a clear made by any process (an embargo
    lifted, a restore)."""
    import time

    import redis

    from wsis.site import settings as site_settings
    from wsis.site.redis_cache import ProcessCopyRedisCache

    monkeypatch.setattr(site_settings, "WSIS_REDIS_URL", redis_url)
    monkeypatch.setattr(site_settings, "WSIS_PAGE_STATE_SECONDS", 0.5)
    settings.CACHES = {name: site_settings._cache(name, 10) for name in ("default", "pages", "charts")}
    backend = caches["pages"]
    assert isinstance(backend, ProcessCopyRedisCache)
    backend.clear()
    first = Client().get("/en/groups/LDC/")
    assert first["X-Page-Cache"] == "miss"
    assert Client().get("/en/groups/LDC/")["X-Page-Cache"] == "hit"  # read from Redis, and kept
    server = redis.Redis.from_url(redis_url)
    pages = server.keys("wsis-pages:*:public-page:*")
    assert len(pages) == 1
    server.delete(*pages)  # gone from Redis: this process still has it
    kept = Client().get("/en/groups/LDC/")
    assert kept["X-Page-Cache"] == "hit" and kept.content == first.content
    # Another process clears the cache: this one forgets its copies once it reads the new mark.
    another = ProcessCopyRedisCache(redis_url, settings.CACHES["pages"])
    another.clear()
    time.sleep(0.6)
    assert Client().get("/en/groups/LDC/")["X-Page-Cache"] == "miss"


def test_no_process_copies_when_the_data_state_is_read_on_every_request(
    site_data, settings, redis_url, monkeypatch
) -> None:
    import redis

    from wsis.site import settings as site_settings

    monkeypatch.setattr(site_settings, "WSIS_REDIS_URL", redis_url)
    monkeypatch.setattr(site_settings, "WSIS_PAGE_STATE_SECONDS", 0)
    settings.CACHES = {name: site_settings._cache(name, 10) for name in ("default", "pages", "charts")}
    caches["pages"].clear()
    assert Client().get("/en/groups/LDC/")["X-Page-Cache"] == "miss"
    assert Client().get("/en/groups/LDC/")["X-Page-Cache"] == "hit"
    server = redis.Redis.from_url(redis_url)
    server.delete(*server.keys("wsis-pages:*:public-page:*"))
    assert Client().get("/en/groups/LDC/")["X-Page-Cache"] == "miss"


def test_clearing_one_cache_leaves_the_others_in_the_same_redis_database(
    settings, redis_url, monkeypatch
) -> None:
    """The three caches share one Redis database, apart by prefix: lifting an embargo clears the pages and
    the warehouse reads (Django's clear() is FLUSHDB, which also threw away every chart drawing)."""
    from wsis.apps.warehouse.domain.embargo import clear_page_caches
    from wsis.site import settings as site_settings

    monkeypatch.setattr(site_settings, "WSIS_REDIS_URL", redis_url)
    settings.CACHES = {name: site_settings._cache(name, 10) for name in ("default", "pages", "charts")}
    for name in ("default", "pages", "charts"):
        caches[name].clear()
        # More keys than one round trip of clear() deletes.
        caches[name].set_many({f"{name}-{n}": n for n in range(2500)})
    caches["charts"].set("drawing[1]*", b"<svg/>")  # glob characters in a key are just characters

    clear_page_caches()

    for name in ("default", "pages"):
        assert caches[name].get_many([f"{name}-{n}" for n in range(2500)]) == {}, f"{name} is cleared"
    drawings = caches["charts"].get_many([f"charts-{n}" for n in range(2500)])
    assert len(drawings) == 2500 and caches["charts"].get("drawing[1]*") == b"<svg/>", "the charts stay"


def test_process_copies_are_bounded_and_the_least_recently_used_goes_first(redis_url) -> None:
    import redis

    from wsis.site.redis_cache import ProcessCopyRedisCache

    cache = ProcessCopyRedisCache(
        redis_url,
        {"KEY_PREFIX": "bounded", "OPTIONS": {"PREFIXES": ("page:",), "MAX_BYTES": 2500}},
    )
    cache.clear()
    for name in ("a", "b", "c"):
        cache.set(f"page:{name}", name * 1000)
    cache.set("other", "x")
    assert cache.get("page:a") == "a" * 1000
    assert cache.get("page:b") == "b" * 1000
    assert cache.get("page:a") == "a" * 1000  # b is now the least recently used
    assert cache.get("page:c") == "c" * 1000  # no room for three: b goes
    assert cache.get("other") == "x"
    redis.Redis.from_url(redis_url).delete(*redis.Redis.from_url(redis_url).keys("bounded:*"))
    assert cache.get("page:a") == "a" * 1000 and cache.get("page:c") == "c" * 1000
    assert cache.get("page:b") is None, "the least recently used copy was dropped"
    assert cache.get("other") is None, "keys without the prefix are never copied"
    # A value written by this process replaces its copy.
    cache.set("page:a", "new")
    assert cache.get("page:a") == "new"
