"""The real data every public-site test stands on: all three publishers' files import."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_shared_files_are_in_the_warehouse(site_data):
    from wsis.apps.warehouse.models import Observation

    assert set(site_data.releases) == {"itu", "worldbank", "sdg"}
    assert Observation.objects.filter(indicator="i99H", area="FRA").exists()
    assert Observation.objects.count() == site_data.observations > 10_000
