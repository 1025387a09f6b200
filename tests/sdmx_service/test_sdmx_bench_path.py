"""The SDMX data query the bench (bench/site/realistic.py) and the cache warmer send still names a series
the service answers: both take it from ``public.warmup.sdmx_series_path``. The bench itself is run by
hand; this only checks that its path and the service's URL layout agree."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from lxml import etree

from tests.sdmx_service.test_sdmx_data import GENERIC, generic_values, warehouse

pytestmark = pytest.mark.django_db
REALISTIC = Path(__file__).resolve().parents[2] / "bench" / "site" / "realistic.py"


def test_the_bench_sdmx_query_is_answered(server):
    from wsis.apps.public.warmup import sdmx_series_path

    assert "sdmx_series_path(" in REALISTIC.read_text(encoding="utf-8"), "the bench no longer uses it"
    path = sdmx_series_path("i99H", "KEN")
    assert path.startswith("/sdmx/rest/data/")
    response = requests.get(
        server.removesuffix("/sdmx/rest") + path, headers={"Accept": GENERIC}, timeout=120
    )
    assert response.status_code == 200, response.text[:300]
    values = generic_values(etree.fromstring(response.content))
    assert set(warehouse("i99H", "KEN").values()) <= set(values.values())
