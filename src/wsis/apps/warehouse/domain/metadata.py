"""Per-series metadata: what the catalogue says of an indicator and what the warehouse holds of it."""

from __future__ import annotations

from typing import Any

from wsis.apps.reference.models import Indicator
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.readers.observation import DISAGGREGATIONS


class UnknownSeries(LookupError):
    pass


def series_metadata(code: str) -> dict[str, Any]:
    entry = Indicator.objects.filter(code=code).first()
    # What the public may see: nothing of a release under embargo.
    rows = Observation.objects.visible().filter(indicator=code)
    releases = Release.objects.visible()
    if entry is None and not rows.exists():
        raise UnknownSeries(f"no indicator {code!r} in the catalogue or the warehouse")
    periods = sorted(set(rows.values_list("period", flat=True)))
    return {
        "code": code,
        "catalogue": None
        if entry is None
        else {
            "names": entry.names,
            "unit": entry.unit,
            "definition": entry.definition,
            "definition_translations": entry.definition_translations,
            "custodian": entry.custodian,
            "sdg_indicator": entry.sdg_indicator_id,
            "un_series": entry.un_series,
            "disaggregations": entry.disaggregations,
            "source": entry.source,
        },
        "units": sorted(set(rows.values_list("unit", flat=True))),
        "periods": periods,
        "areas": rows.values("area").distinct().count(),
        "releases": [r.describe() for r in releases.filter(observations__indicator=code).distinct()],
        "disaggregations": {
            d: sorted(set(rows.exclude(**{d: "_T"}).values_list(d, flat=True))) for d in DISAGGREGATIONS
        },
    }
