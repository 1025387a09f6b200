"""The switch between the demonstration world and the real one (issue 13, item 1).

`wsis demo load|remove`, the first real import retiring the demonstration, `wsis setup`/`wsis serve`
never loading it over real data, the banner, and the second line of defence: a synthetic release
imported by hand after real ones is never "latest" and never read by the measurement engine. Each test
runs in its own transaction, rolled back afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.cache import caches
from django.test import Client
from django.utils import timezone
from lxml import html

from wsis.apps.accounts.models import Organization
from wsis.apps.measure.domain import compute, inputs
from wsis.apps.measure.domain.store import save
from wsis.apps.measure.models import Computation
from wsis.apps.publishing.models import Publication
from wsis.apps.registry.models import Initiative
from wsis.apps.warehouse.domain.importing import import_release
from wsis.apps.warehouse.domain.world import demonstration_world, real_world
from wsis.apps.warehouse.models import Observation, Release
from wsis.cli import main
from wsis.engine import readers, synthetic
from wsis.engine.readers.observation import DISAGGREGATIONS
from wsis.engine.readers.writers import write

pytestmark = pytest.mark.django_db

#: The years Kenya has no real Internet-use figure for in the shared ITU file (real: 2019, then 2024).
GAP = ("2020", "2021", "2022", "2023")


def _wsis(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _import_real(path: Path) -> str | None:
    return import_release([path], name="ITU DataHub", date=dt.date(2025, 6, 1)).retired


def _page(client: Client, url: str) -> str:
    # `wsis import` refreshes the publication, which renews every page's cache key; these tests import
    # through the domain function, so they empty the page cache themselves.
    caches["pages"].clear()
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _internet_use_years(page: str) -> dict[str, str]:
    """The Internet-use chart's data table on an economy profile: {year: value as shown}."""
    tree = html.fromstring(page)
    charts = [
        f
        for f in tree.xpath("//figure[contains(@class, 'chart')]")
        if f.xpath(".//a[contains(@href, '/indicators/i99H/data.csv')]")
    ]
    assert len(charts) == 1, "no Internet-use chart on the page"
    rows = charts[0].xpath(".//details//tbody/tr")
    return {
        r.xpath("./td")[0].text_content().strip(): r.xpath("./td")[1].text_content().strip() for r in rows
    }


def test_first_real_import_retires_the_demonstration(internet_use: Path) -> None:
    output = _wsis("demo", "load")
    assert "SYNTHETIC observations loaded" in output and "registry demonstration content" in output
    assert demonstration_world() and not real_world()
    # A computation on the demonstration data (its result holds synthetic numbers).
    on_synthetic = save(compute.aggregate("i99H", ["WLD"], [2021]))
    assert on_synthetic.releases.filter(synthetic=True).exists()
    # The current publication of the demonstration's figures (as a refresh in that world leaves it).
    now = timezone.now()
    shown = Publication.objects.create(
        state="current", demonstration=True, trigger="test", started_at=now, finished_at=now, seconds=0
    )

    retired = _import_real(internet_use)

    assert retired is not None and "1 synthetic release(s)" in retired and "entries" in retired
    assert real_world() and not demonstration_world()
    assert not Release.objects.filter(synthetic=True).exists()
    assert not Observation.objects.filter(source__icontains="synthetic").exists()
    assert not Computation.objects.filter(pk=on_synthetic.pk).exists()
    shown.refresh_from_db()
    assert shown.state == "retired"  # pages show no synthetic aggregate while the refresh runs
    assert not Initiative.objects.filter(is_demo=True).exists()
    assert not Organization.objects.filter(is_demo=True).exists()
    # The registry's in-memory search index drops the removed entries too.
    listing = Client().get("/api/v1/registry/initiatives").json()
    assert listing["count"] == 0 and listing["results"] == []


def test_kenya_internet_use_has_no_synthetic_bump(client: Client, internet_use: Path) -> None:
    _wsis("demo", "load")
    totals = {d: "_T" for d in DISAGGREGATIONS}
    bump = Observation.objects.filter(indicator="i99H", area="KEN", period__in=GAP, **totals)
    assert bump.count() == len(GAP), "the synthetic set no longer fills Kenya's gap: the test proves nothing"
    _import_real(internet_use)

    shown = _internet_use_years(_page(client, "/en/economies/KEN/"))
    real = readers.read(internet_use).frame
    kenya = real.filter((real["area"] == "KEN") & (real["indicator"] == "i99H") & (real["sex"] == "_T"))
    assert set(shown) == set(kenya["period"].to_list())
    assert not set(GAP) & set(shown)
    assert shown["2019"] == "22.7%" and shown["2024"] == "35.0%"


def test_synthetic_release_imported_by_hand_is_never_used_in_the_real_world(
    client: Client, internet_use: Path, tmp_path: Path
) -> None:
    _import_real(internet_use)
    # Bypassing `wsis demo load` (which refuses): the warehouse's own rules must still keep it out.
    path = write(synthetic.generate(), tmp_path / "synthetic.csv", "csv")
    by_hand = import_release([path], name="by hand", publisher="someone", synthetic=True).release

    assert not Observation.objects.filter(release=by_hand, is_latest=True).exists()
    got = inputs.values(["i99H"])
    assert {r.synthetic for r in got.releases} == {False}
    kenya = got.frame.filter(got.frame["economy"] == "KEN")["period"].to_list()
    assert not {int(y) for y in GAP} & set(kenya)
    with pytest.raises(inputs.UnknownInput, match="synthetic demonstration data"):
        inputs.values(["i99H"], release=by_hand.id)
    page = _page(client, "/en/economies/KEN/")
    assert not set(GAP) & set(_internet_use_years(page))
    assert "SYNTHETIC" not in page and 'id="demonstration"' not in page


def test_demo_load_is_refused_over_real_data(internet_use: Path) -> None:
    _import_real(internet_use)
    result = CliRunner().invoke(main, ["demo", "load"])
    assert result.exit_code != 0
    assert "holds real releases" in result.output and "nothing was loaded" in result.output
    assert not Release.objects.filter(synthetic=True).exists()
    assert not Organization.objects.filter(is_demo=True).exists()


def test_demo_remove_and_load_again() -> None:
    _wsis("demo", "load")
    assert "1 synthetic release(s)" in _wsis("demo", "remove")
    assert not Release.objects.exists() and not Initiative.objects.filter(is_demo=True).exists()
    assert not demonstration_world()
    assert "0 synthetic release(s)" in _wsis("demo", "remove")  # nothing left: changes nothing
    _wsis("demo", "load")
    assert demonstration_world() and Initiative.objects.filter(is_demo=True).exists()


def test_setup_and_serve_never_load_the_demonstration_over_real_data(
    internet_use: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "SYNTHETIC observations loaded" in _wsis("setup")  # an installation without real data
    _import_real(internet_use)
    assert "not loaded, the warehouse holds real releases" in _wsis("setup")
    # `wsis serve` runs the set-up, then replaces itself by gunicorn: stop it there.
    started: list[list[str]] = []
    monkeypatch.setattr(os, "execvp", lambda file, args: started.append(args))
    _wsis("serve", "--port", "8999", "--workers", "1", "--no-worker")
    assert started and "wsis.site.wsgi:application" in started[0]
    assert not Release.objects.filter(synthetic=True).exists()
    assert not Initiative.objects.filter(is_demo=True).exists()


def test_the_banner_marks_the_demonstration_world_only(client: Client, internet_use: Path) -> None:
    assert 'id="demonstration"' not in _page(client, "/en/")  # nothing loaded: no banner
    _wsis("demo", "load")
    for url in ("/en/", "/en/economies/KEN/", "/en/indicators/i99H/", "/en/registry/", "/fr/groups/LDC/"):
        page = _page(client, url)
        banner = html.fromstring(page).get_element_by_id("demonstration").text_content()
        assert "SYNTHETIC" in banner or url.startswith("/fr/"), url
    _import_real(internet_use)
    for url in ("/en/", "/en/economies/KEN/", "/en/registry/"):
        assert 'id="demonstration"' not in _page(client, url), url
