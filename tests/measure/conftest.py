"""Measurement on the warehouse: the real shared files imported once per test module, removed after it.

The imports take a second or two each, so they are done once for a module in the real test database
(SQLite or PostgreSQL) and deleted when the module ends, leaving the database as the other test folders
expect it. Each test still runs in its own transaction: the computations it stores are rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.warehouse_loading import empty_warehouse
from tests.web.conftest import django_db_setup  # noqa: F401 - the session fixture, shared

ITU_INTERNET = "itu-datahub/individuals_using_internet.csv"
WB_POPULATION = "worldbank/sp.pop.totl.csv"
WB_INTERNET = "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
WB_METADATA = "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
#: The World Bank computes every year's group aggregates with the classification current when its file was
#: made, so that classification is the one to compare with: stored as FY2023, valid on 1 July 2022, the
#: membership date of period 2022.
INCOME_FISCAL_YEAR = 2023


@dataclass(frozen=True)
class Loaded:
    itu: str  # "publisher: name" of each release, as provenance names them
    population: str
    worldbank: str
    income_members: int  # memberships stored, all four groups
    low_income: tuple[str, ...]  # the LIC members of the World Bank file


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, shared: Path) -> Iterator[Loaded]:  # noqa: F811
    from wsis.apps.reference.models import Membership
    from wsis.apps.reference.sync import store_income_groups
    from wsis.apps.warehouse.domain.importing import import_release
    from wsis.apps.warehouse.models import Release
    from wsis.reference.income import read_metadata_country, validity
    from wsis.reference.loader import knowledge

    with django_db_blocker.unblock():
        assert not Release.objects.exists(), "the measurement tests expect an empty warehouse"
        itu = import_release([shared / ITU_INTERNET], name="DataHub i99H", date=dt.date(2025, 6, 1))
        pop = import_release([shared / WB_POPULATION], name="WDI population", date=dt.date(2025, 7, 1))
        wb = import_release([shared / WB_INTERNET], name="WDI Internet users", date=dt.date(2025, 7, 1))
        income = read_metadata_country(shared / WB_METADATA, INCOME_FISCAL_YEAR, set(knowledge().economies))
        stored = store_income_groups(income)
    yield Loaded(str(itu.release), str(pop.release), str(wb.release), stored, tuple(income.members("LIC")))
    with django_db_blocker.unblock():
        Membership.objects.filter(group__kind="income", valid_from=validity(INCOME_FISCAL_YEAR)[0]).delete()
        empty_warehouse()
