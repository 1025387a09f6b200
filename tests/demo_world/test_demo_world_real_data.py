"""After the demonstration world, the real one: nothing synthetic on any surface (issue 13, items 1, 2, 5).

The module loads the demonstration as `wsis demo load` does, then imports the shared ITU DataHub, World
Bank and UN SDG files as the public-site tests do and publishes the figures (the refresh `wsis import`
runs). Then every surface is checked, one test per surface: pages, API endpoints, downloads (page
downloads, `wsis dump`, `wsis export`, registry dumps) and aggregates. "Synthetic" is looked for as the
release (its id, publisher and name), the source text of its observations, the synthetic marks and
badges, the banner, and the registry's demonstration organizations and entries.

The same data serve the target-status test (every status shown against its threshold) and the World
profile.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from lxml import html

from tests.public.conftest import _files
from tests.warehouse_loading import empty_warehouse
from wsis.cli import main
from wsis.engine.readers.observation import DISAGGREGATIONS

pytestmark = pytest.mark.django_db

#: The public pages, one of each type (and the profiles the issue named).
PAGES = (
    "/en/",
    "/en/economies/KEN/",
    "/en/economies/RWA/",
    "/en/economies/FIN/",
    "/en/groups/LDC/",
    "/en/groups/WLD/",
    "/en/indicators/i99H/?year=2022",
    "/en/indicators/i99H/?year=2022&economies=KEN,HTI,RWA",
    "/en/compare/?economies=KEN,UGA&indicators=i99H,i992b",
    "/en/action-lines/C7/",
    "/en/search/?q=Kenya",
    "/en/search/?q=broadband",
    "/en/registry/",
)


@dataclass(frozen=True)
class Demonstration:
    """What the demonstration world held before the real releases came: what must not reappear."""

    release_ids: frozenset[int]
    marks: tuple[str, ...]  # texts that only demonstration content carries
    real_release_ids: frozenset[int]


@pytest.fixture(scope="module")
def retired(django_db_setup, django_db_blocker, shared: Path, tmp_path_factory) -> Iterator[Demonstration]:
    from wsis.apps.accounts.models import Organization
    from wsis.apps.publishing.domain.refresh import refresh
    from wsis.apps.publishing.models import Publication
    from wsis.apps.registry.models import Initiative
    from wsis.apps.warehouse.demo import NAME, PUBLISHER
    from wsis.apps.warehouse.domain.importing import import_release
    from wsis.apps.warehouse.models import Release
    from wsis.site.demo import load_demo

    wanted = {
        "ITU DataHub": (_files(shared, "itu-datahub", "*.csv"), dt.date(2025, 6, 1)),
        "World Development Indicators": (
            [f for f in _files(shared, "worldbank", "*.csv") if not f.name.startswith("Metadata_")],
            dt.date(2025, 7, 1),
        ),
        "UN SDG database": (_files(shared, "sdg-database", "*.csv"), dt.date(2025, 3, 1)),
    }
    with django_db_blocker.unblock():
        assert not Release.objects.exists(), "these tests expect an empty warehouse"
        list(load_demo())
        demo_ids = frozenset(Release.objects.filter(synthetic=True).values_list("id", flat=True))
        organizations = list(Organization.objects.filter(is_demo=True).values_list("name", flat=True))
        titles = [t["en"] for t in Initiative.objects.filter(is_demo=True).values_list("title", flat=True)]
        assert demo_ids and organizations and titles
        refresh(trigger="demonstration world")  # a publication of the demonstration, to be replaced
        for name, (files, date) in wanted.items():
            # The SDG 5.b.1 file holds a few ratios above 100 in a percentage series: refused, as for
            # any user, and the rest kept.
            rejected = tmp_path_factory.mktemp("rejected") / "rows.csv"
            import_release(files, name=name, date=date, skip_invalid=True, rejected_path=rejected)
        refresh(trigger="real data")
        real_ids = frozenset(Release.objects.values_list("id", flat=True))
    yield Demonstration(
        release_ids=demo_ids,
        marks=(
            "SYNTHETIC",
            PUBLISHER,
            NAME,
            'class="badge demo"',
            'id="demonstration"',
            *organizations,
            *titles,
        ),
        real_release_ids=real_ids,
    )
    with django_db_blocker.unblock():
        Publication.objects.all().delete()
        empty_warehouse()


def _clean(text: str, demo: Demonstration, where: str) -> None:
    for mark in demo.marks:
        assert mark not in text, f"{where} shows demonstration content: {mark!r}"
    for release in demo.release_ids:
        assert f'id="release-{release}"' not in text, f"{where} cites the synthetic release {release}"


def _json_clean(data: Any, demo: Demonstration, where: str) -> None:
    """No synthetic flag set, no demonstration entry, no synthetic release anywhere in a JSON answer."""
    if isinstance(data, dict):
        assert data.get("synthetic") is not True, f"{where}: a synthetic item {data}"
        assert data.get("is_demo") is not True, f"{where}: a demonstration entry {data}"
        for key in ("release", "release_id"):
            if isinstance(data.get(key), int):
                assert data[key] not in demo.release_ids, f"{where}: synthetic release {data[key]}"
        for value in data.values():
            _json_clean(value, demo, where)
    elif isinstance(data, list):
        for value in data:
            _json_clean(value, demo, where)
    _clean(json.dumps(data, ensure_ascii=False), demo, where)


# --- pages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_pages_show_nothing_synthetic(client: Client, retired: Demonstration, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    _clean(response.content.decode(), retired, url)


def test_headline_figures_are_the_real_latest(client: Client, retired: Demonstration, db) -> None:
    """Rwanda's and Finland's Internet use (synthetic 2024 values once beat the real 2023 ones)."""
    from wsis.apps.warehouse.models import Observation

    totals = {d: "_T" for d in DISAGGREGATIONS}
    for iso3 in ("RWA", "FIN", "KEN"):
        real = (
            Observation.objects.filter(indicator="i99H", area=iso3, release__synthetic=False, **totals)
            .order_by("-period")
            .first()
        )
        page = html.fromstring(client.get(f"/en/economies/{iso3}/").content)
        row = page.xpath("//tr[th/a[contains(@href, '/indicators/i99H/')]]")[0]
        assert float(row.xpath(".//data/@value")[0]) == pytest.approx(real.value), iso3
        assert row.xpath("./td")[1].text_content().strip() == real.period, iso3


def test_group_dispersion_names_real_figures(client: Client, retired: Demonstration, db) -> None:
    """The LDC dispersion once named "Haiti 76.9%", a synthetic value."""
    from wsis.apps.warehouse.models import Observation

    page = html.fromstring(client.get("/en/groups/LDC/").content)
    facts = page.xpath("//h2[@id='dispersion']/following-sibling::dl[1]")[0]
    year = re.search(r"\((\d{4})\)", facts.xpath("./dd[1]")[0].text_content()).group(1)
    for label in ("Lowest", "Highest"):
        dd = facts.xpath(f"./dt[.='{label}']/following-sibling::dd[1]")[0]
        iso3 = dd.xpath("./a/@href")[0].rstrip("/").rsplit("/", 1)[-1]
        real = Observation.objects.get(
            indicator="i99H", area=iso3, period=year, is_latest=True, **{d: "_T" for d in DISAGGREGATIONS}
        )
        assert not real.release.synthetic
        assert f"{real.value:.1f}%" in dd.text_content(), (label, iso3, dd.text_content())


# --- API ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/releases",
        "/api/v1/indicators",
        "/api/v1/indicators/i99H/metadata",
        "/api/v1/observations?indicator=i99H&area=KEN&page_size=500",
        "/api/v1/observations?indicator=i99H&period=2022&page_size=500",
        "/api/v1/observations?indicator=SP.POP.TOTL&area=HTI&page_size=500",
        "/api/v1/measure/aggregate?indicator=i99H&group=WLD&group=LDC&period=2022",
        "/api/v1/measure/progress?framework=BBC2025",
        "/api/v1/measure/progress?economy=KEN",
        "/api/v1/registry/initiatives",
        "/api/v1/registry/decisions",
    ],
)
def test_api_answers_show_nothing_synthetic(client: Client, retired: Demonstration, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    _json_clean(response.json(), retired, url)


def test_api_release_list_is_the_real_releases(client: Client, retired: Demonstration) -> None:
    ids = {r["id"] for r in client.get("/api/v1/releases").json()}
    assert ids == set(retired.real_release_ids)
    assert client.get("/api/v1/registry/initiatives").json()["count"] == 0  # only demonstration entries


# --- downloads -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/en/indicators/i99H/data.csv?part=ranking&year=2022",
        "/en/indicators/i99H/data.json?part=series&economies=KEN,HTI",
        "/en/indicators/i99H/data.sdmx?part=ranking&year=2022",
        "/en/indicators/i99H/data.csv?part=series&economies=KEN",
    ],
)
def test_page_downloads_hold_nothing_synthetic(client: Client, retired: Demonstration, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    _clean(b"".join(response).decode() if response.streaming else response.content.decode(), retired, url)


def test_ranking_download_holds_only_real_economies(client: Client, retired: Demonstration, db) -> None:
    """The i99H 2022 ranking once mixed 184 real economies with 56 synthetic ones."""
    from wsis.apps.warehouse.models import Observation

    real = set(
        Observation.objects.filter(
            indicator="i99H", period="2022", area_kind="economy", **{d: "_T" for d in DISAGGREGATIONS}
        ).values_list("area", flat=True)
    )
    body = client.get("/en/indicators/i99H/data.csv?part=ranking&year=2022").content.decode()
    header, *rows = body.strip().splitlines()
    area = header.split(",").index("area")
    assert {r.split(",")[area] for r in rows} == real


def test_full_dump_and_export_hold_nothing_synthetic(retired: Demonstration, tmp_path: Path, db) -> None:
    dump = tmp_path / "dump"
    result = CliRunner().invoke(main, ["dump", str(dump)])
    assert result.exit_code == 0, result.output
    files = [p for p in dump.rglob("*") if p.is_file() and p.suffix != ".parquet"]
    assert any(p.name == "SHA256SUMS" for p in files)
    for path in files:
        _clean(path.read_text(encoding="utf-8", errors="replace"), retired, str(path.name))
    out = tmp_path / "export.csv"
    result = CliRunner().invoke(main, ["export", "--indicator", "i99H", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    _clean(out.read_text(encoding="utf-8"), retired, "wsis export")


def test_registry_dumps_hold_no_demonstration_entry(retired: Demonstration, tmp_path: Path, db) -> None:
    from wsis.apps.registry.domain.dumps import write_dumps

    write_dumps(folder=tmp_path)
    for path in tmp_path.iterdir():
        _clean(path.read_text(encoding="utf-8"), retired, path.name)


# --- aggregates ------------------------------------------------------------------------------------------


def test_published_figures_rest_on_real_releases_only(retired: Demonstration, db) -> None:
    from wsis.apps.measure.models import Computation
    from wsis.apps.publishing.domain.current import current
    from wsis.apps.publishing.models import Publication, PublishedFigure

    publication = current()
    assert publication is not None and not publication.demonstration
    # The demonstration's own publication is not current any more.
    assert not Publication.objects.filter(state=Publication.State.CURRENT, demonstration=True).exists()
    figures = list(PublishedFigure.objects.filter(publication=publication).values_list("key", "value"))
    assert any(k.startswith("aggregates/i99H/WLD") for k, _ in figures)
    for key, value in figures:
        _json_clean(value, retired, key)
    assert not Computation.objects.filter(releases__synthetic=True).exists()


def test_engine_aggregates_read_real_releases_only(retired: Demonstration, db) -> None:
    from wsis.apps.measure.domain import compute
    from wsis.apps.measure.domain.results import input_releases

    computation = compute.aggregate("i99H", ["WLD", "LDC", "SIDS"], [2019, 2020, 2021, 2022, 2023])
    releases = list(input_releases(computation))
    assert releases and {r.synthetic for r in releases} == {False}
    assert not {r.id for r in releases} & retired.release_ids
    _json_clean(computation.result, retired, "aggregate")


# --- target status (item 2) --------------------------------------------------------------------------------

#: The words a row uses to say its target is met: the band / standing, and the engine's progress status.
MET_WORDS = ("Target met", "target achieved")


def _target_rows(page: str) -> list[Any]:
    return html.fromstring(page).xpath("//tr[@data-target]")


def _number(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text))


def _check_rows(rows: list[Any], targets: dict[str, Any], where: str) -> int:
    """Every row against its threshold by the framework's own rule; returns how many rows were met."""
    met_rows = 0
    for row in rows:
        target = targets[row.get("data-target")]
        cells = row.xpath("./td")
        latest = cells[-3].text_content().strip()
        said_met = any(word in cells[-2].text_content() + cells[-1].text_content() for word in MET_WORDS)
        if latest.startswith("–"):
            assert not said_met, (where, target.code)
            continue
        # The exact figure (the cell shows it rounded: 94.96 is "95.0%" and not met).
        value = float(row.get("data-value"))
        assert _number(latest.split("(")[0]) == pytest.approx(value, abs=0.051), (where, target.code)
        at_least = target.direction == "at_least"
        # UMC 2030: ITU counts these 100% targets met from 95%; every other target at its threshold.
        threshold = target.threshold * (0.95 if target.framework == "UMC2030" else 1)
        reached = value >= threshold if at_least else value <= threshold
        assert said_met == reached, (where, target.code, latest, target.threshold, row.text_content())
        assert row.get("data-met") == ("yes" if reached else "no"), (where, target.code)
        met_rows += said_met
    return met_rows


def test_home_target_status_follows_each_threshold(client: Client, retired: Demonstration, db) -> None:
    from wsis.apps.reference.models import ConnectivityTarget

    targets = {t.code: t for t in ConnectivityTarget.objects.all()}
    page = client.get("/en/").content.decode()
    rows = _target_rows(page)
    assert rows, "no target row on the home page"
    _check_rows(rows, targets, "/en/")
    # The rule and ITU's bands are named where the statuses are shown.
    assert "ITU" in html.fromstring(page).get_element_by_id("target-rule").text_content()


def test_every_economy_profile_target_status_follows_each_threshold(
    client: Client, retired: Demonstration, db
) -> None:
    from wsis.apps.reference.models import ConnectivityTarget, Economy

    targets = {t.code: t for t in ConnectivityTarget.objects.all()}
    shown = met = 0
    for iso3 in Economy.objects.order_by("iso3").values_list("iso3", flat=True):
        rows = _target_rows(client.get(f"/en/economies/{iso3}/").content.decode())
        met += _check_rows(rows, targets, iso3)
        shown += len(rows)
    # Both outcomes occur in the real data, so the comparison is exercised both ways.
    assert shown > 100 and 0 < met < shown


# --- the World profile (item 5) -------------------------------------------------------------------------


def test_world_profile(client: Client, retired: Demonstration, db) -> None:
    from wsis.apps.reference.models import Economy

    response = client.get("/en/groups/WLD/")
    assert response.status_code == 200
    page = html.fromstring(response.content)
    assert page.xpath("string(//h1)") == "World"
    aggregates = page.xpath("//h2[@id='aggregates']/following-sibling::table[1]//tbody/tr")
    internet = [r for r in aggregates if r.xpath(".//a[contains(@href, '/indicators/i99H/')]")]
    assert internet and internet[0].xpath(".//data/@value"), "no World Internet-use aggregate"
    assert page.xpath("//h2[@id='dispersion']/following-sibling::dl[1]//dt")  # Gini, Theil, CV...
    members = page.xpath("//h2[@id='members']/following-sibling::ul[@class='cards'][1]/li")
    assert len(members) == Economy.objects.count()
    assert "since" not in members[0].text_content()  # members of the World for all time
    assert client.get("/en/groups/wld/")["Location"] == "/en/groups/WLD/"
    # The home page's World headline links to it.
    assert 'href="/en/groups/WLD/"' in client.get("/en/").content.decode()
