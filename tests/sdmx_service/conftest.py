"""SDMX service tests: real ITU DataHub and World Bank files imported once for the folder (package scope),
served on loopback by a real server thread, and removed afterwards.

Two ITU releases hold the Internet-use series: the real file as "ITU DataHub 2025", and before it an
older vintage ("ITU DataHub 2024", the same file with a few figures changed and the latest year missing),
so that "as published in a release" differs from the latest figures.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from tests.warehouse_loading import empty_warehouse
from tests.web.conftest import django_db_setup  # noqa: F401 - the session fixture, shared

ITU_FILES = ("individuals_using_internet.csv", "mobile_phone_ownership.csv")
WB_FILE = "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
SCHEMAS = "sdmx/schemas-2.1/SDMXMessage.xsd"


@dataclass(frozen=True)
class Loaded:
    old: int  # release ids
    new: int
    worldbank: int
    #: (area, period) -> value of i99H in the older vintage where it differs from the new one
    revised: dict[tuple[str, str], float]


def _older_vintage(source: Path, target: Path) -> dict[tuple[str, str], float]:
    """The ITU file as an earlier release would have had it: 2023 onwards missing, KEN's figures lower."""
    revised = {}
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        rows = []
        for row in reader:
            if int(row["dataYear"]) >= 2023:
                continue
            if row["entityIso"] == "KEN":
                row["dataValue"] = str(round(float(row["dataValue"]) * 0.9, 4))
                revised[("KEN", row["dataYear"])] = float(row["dataValue"])
            rows.append(row)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, quoting=csv.QUOTE_NONNUMERIC)
        writer.writeheader()
        writer.writerows(rows)
    return revised


@pytest.fixture(scope="package")
def loaded(django_db_setup, django_db_blocker, shared: Path, tmp_path_factory) -> Iterator[Loaded]:  # noqa: F811
    from wsis.apps.warehouse.domain.importing import import_release
    from wsis.apps.warehouse.models import Release

    folder = tmp_path_factory.mktemp("vintage")
    old_file = folder / "individuals_using_internet.csv"
    revised = _older_vintage(shared / "itu-datahub" / ITU_FILES[0], old_file)
    with django_db_blocker.unblock():
        assert not Release.objects.exists(), "the SDMX tests expect an empty warehouse"
        old = import_release([old_file], name="ITU DataHub 2024", date=dt.date(2024, 6, 1)).release
        new = import_release(
            [shared / "itu-datahub" / f for f in ITU_FILES], name="ITU DataHub 2025", date=dt.date(2025, 6, 1)
        ).release
        wb = import_release(
            [shared / "worldbank" / WB_FILE], name="World Development Indicators", date=dt.date(2025, 7, 1)
        ).release
    yield Loaded(old=old.id, new=new.id, worldbank=wb.id, revised=revised)
    with django_db_blocker.unblock():
        empty_warehouse()


@pytest.fixture(scope="package")
def server(loaded, django_db_blocker) -> Iterator[str]:
    """The site on loopback over the loaded data, as `tests/public`'s site_server; the SDMX base URL."""
    from django.db import connections
    from django.test.testcases import LiveServerThread

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
        yield f"http://127.0.0.1:{thread.port}/sdmx/rest"
        thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


@pytest.fixture(scope="session")
def schema(shared: Path) -> etree.XMLSchema:
    """The official SDMX-ML 2.1 message schema (it imports the structure and data schemas beside it)."""
    return etree.XMLSchema(etree.parse(str(shared / SCHEMAS)))


def assert_valid(schema: etree.XMLSchema, body: bytes) -> etree._Element:
    document = etree.fromstring(body)
    if not schema.validate(document):
        errors = "\n".join(str(e) for e in list(schema.error_log)[:5])
        raise AssertionError(f"not valid SDMX-ML 2.1:\n{errors}")
    return document
