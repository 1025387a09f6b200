"""Public-site tests run on real data: the shared ITU DataHub, World Bank and UN SDG database files,
imported through the warehouse once for the whole folder (package scope) and removed after it, with the
World Bank income groups stored as the site would after `wsis reference income`.

Browser tests in this folder use `site_server` (below), never `live_server`: the latter's transactional
flush after each test would empty the reference tables that this folder and the later ones need.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.warehouse_loading import empty_warehouse
from tests.web.conftest import LANGUAGES, django_db_setup  # noqa: F401 - the session fixture, shared

WB_METADATA = "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
#: The classification valid on 1 July 2022 (FY2023), as in the measurement tests.
INCOME_FISCAL_YEAR = 2023


@dataclass(frozen=True)
class SiteData:
    releases: dict[str, str]  # short name -> "publisher: name", as provenance prints it
    observations: int
    languages: tuple[str, ...] = tuple(LANGUAGES)


def _files(shared: Path, folder: str, pattern: str) -> list[Path]:
    found = sorted((shared / folder).glob(pattern))
    assert found, f"no {pattern} in {shared / folder}"
    return found


@pytest.fixture(scope="package")
def site_data(
    django_db_setup,  # noqa: F811 - the session fixture imported above
    django_db_blocker,
    shared: Path,
    tmp_path_factory,
) -> Iterator[SiteData]:
    from wsis.apps.federation.domain.case_studies import Document, Draft, publish
    from wsis.apps.publishing.domain.refresh import refresh
    from wsis.apps.reference.models import Membership, SdgGoal, SdgIndicator, SdgTarget
    from wsis.apps.reference.sync import store_income_groups, store_sdg_titles
    from wsis.apps.warehouse.domain.importing import import_release
    from wsis.apps.warehouse.models import Observation, Release
    from wsis.reference.income import read_metadata_country, validity
    from wsis.reference.loader import knowledge
    from wsis.reference.sdg_translations import load_folder

    wanted = {
        "itu": ("ITU DataHub", _files(shared, "itu-datahub", "*.csv"), dt.date(2025, 6, 1)),
        "worldbank": (
            "World Development Indicators",
            [f for f in _files(shared, "worldbank", "*.csv") if not f.name.startswith("Metadata_")],
            dt.date(2025, 7, 1),
        ),
        "sdg": ("UN SDG database", _files(shared, "sdg-database", "*.csv"), dt.date(2025, 3, 1)),
    }
    with django_db_blocker.unblock():
        assert not Release.objects.exists(), "the public-site tests expect an empty warehouse"
        releases = {}
        for key, (name, files, date) in wanted.items():
            # The SDG 5.b.1 file holds a few ratios above 100 in a percentage series; the warehouse refuses
            # those rows (and says so), as it would for a user, and keeps the rest.
            rejected = tmp_path_factory.mktemp("rejected") / f"{key}.csv"
            report = import_release(
                files, name=name, date=date, skip_invalid=key == "sdg", rejected_path=rejected
            )
            releases[key] = str(report.release)
        income = read_metadata_country(shared / WB_METADATA, INCOME_FISCAL_YEAR, set(knowledge().economies))
        store_income_groups(income)
        # As `wsis manage sdg_texts` does at set-up: the UN's official SDG titles in the six languages.
        store_sdg_titles(load_folder(shared / "sdg-texts"), "tests/public")
        # As `wsis import` and `wsis reference income` do: the figures the pages read are published once.
        refresh(trigger="tests/public")
        observations = Observation.objects.count()
        # A country case study in French, so the pages that list them are checked with one (lang marks).
        case_study = publish(
            Draft(
                economy="FRA",
                title="Mesurer les usages numériques des ménages",
                summary="Enquête annuelle sur les technologies de l'information dans les ménages.",
                language="fr",
                publisher="Insee",
                published_on="2025-11-20",
                indicators=["i99H"],
                action_lines=["C3", "C4"],
                document=Document("usages.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
            )
        )
    yield SiteData(releases=releases, observations=observations)
    with django_db_blocker.unblock():
        case_study.delete()
        Membership.objects.filter(group__kind="income", valid_from=validity(INCOME_FISCAL_YEAR)[0]).delete()
        for model in (SdgGoal, SdgTarget, SdgIndicator):
            model.objects.update(official_titles={})
        empty_warehouse()


@pytest.fixture(scope="module")
def site_server(site_data, django_db_blocker) -> Iterator[str]:
    """The site on loopback as production serves it, over the real data of `site_data` (for browser tests).

    Every request goes through the full middleware stack - static files too, so WhiteNoise serves them
    compressed and fingerprinted with its cache headers (pytest-django's live_server answers /static/
    itself, uncompressed). It needs no transactional test: nothing is flushed afterwards and every app
    stays visible (`available_apps` hides apps, which breaks views that unpickle cached model instances).
    Tests using it make no database calls of their own (Playwright's event loop forbids them anyway).
    """
    from django.db import connections
    from django.test.testcases import LiveServerThread

    # An in-memory SQLite test database exists only in this connection: the server thread borrows it.
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app, connections_override=shared)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
        thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()
