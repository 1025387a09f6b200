"""``includeHistory=true`` (SDMX 2.1 data queries): every visible release's figures as it published them,
one data set per release with its publication time, valid SDMX-ML 2.1."""

from __future__ import annotations

import pytest

from tests.sdmx_service.conftest import assert_valid
from tests.sdmx_service.test_sdmx_data import (
    CSV,
    GENERIC,
    KEN_I99H,
    SPECIFIC,
    G,
    get,
    specific_schema,
    warehouse,
)

pytestmark = pytest.mark.django_db
M = {"m": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"}


def test_history_gives_each_release_as_published(server, schema, loaded):
    from wsis.apps.warehouse.models import Release

    response = get(f"{server}/data/ICT/{KEN_I99H}", includeHistory="true")
    document = assert_valid(schema, response.content)
    datasets = document.findall("m:DataSet", M)
    assert len(datasets) == 2  # the 2024 and 2025 vintages; the World Bank release has no i99H
    published = []
    for dataset, release in zip(datasets, (loaded.old, loaded.new), strict=True):
        values = {
            o.find("g:ObsDimension", G).get("value"): float(o.find("g:ObsValue", G).get("value"))
            for o in dataset.iterfind(".//g:Obs", G)
        }
        assert values == warehouse("i99H", "KEN", release=release)
        published.append(dataset.get("validFromDate"))
        stamp = Release.objects.get(id=release).imported_at
        assert dataset.get("validFromDate") == stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert published == sorted(published)
    assert warehouse("i99H", "KEN", release=loaded.old) != warehouse("i99H", "KEN", release=loaded.new)


def test_history_in_structure_specific_messages(server, shared, tmp_path):
    xsd = specific_schema(server, shared, "TIME_PERIOD", tmp_path)
    response = get(f"{server}/data/ICT/{KEN_I99H}", accept=SPECIFIC, includeHistory="true")
    document = assert_valid(xsd, response.content)
    assert len(document.findall("m:DataSet", M)) == 2


def test_history_elsewhere_is_named(server):
    assert get(f"{server}/data/ICT/{KEN_I99H}", accept=CSV, includeHistory="true").status_code == 501
    with_release = get(f"{server}/data/ICT/{KEN_I99H}", accept=GENERIC, includeHistory="true", release="1")
    assert with_release.status_code == 400 and "includeHistory" in with_release.text
    assert get(f"{server}/data/ICT/{KEN_I99H}", includeHistory="maybe").status_code == 400
    unknown = KEN_I99H.replace("KEN", "ZZZ")
    assert get(f"{server}/data/ICT/{unknown}", includeHistory="true").status_code == 404
    unknown_indicator = KEN_I99H.replace("i99H", "NOPE")
    assert get(f"{server}/data/ICT/{unknown_indicator}", includeHistory="true").status_code == 404
