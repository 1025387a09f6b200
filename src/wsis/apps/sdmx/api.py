"""The SDMX web service in the REST API's OpenAPI description: one documented entry that names the SDMX
paths, their parameters and media types, and links to them (the SDMX paths themselves follow the SDMX
2.1 REST standard, which OpenAPI clients do not speak)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from wsis.apps.sdmx import dsd, negotiation

router = Router(tags=["SDMX web service"])

DESCRIPTION = f"""SDMX 2.1 REST web service over the indicators warehouse, at `/sdmx/rest/`.

* Structures: `/sdmx/rest/{{dataflow|datastructure|codelist|conceptscheme|categoryscheme|categorisation|
  contentconstraint}}/{{agency}}/{{id}}/{{version}}` with `references=` (none, parents, parentsandsiblings,
  children, descendants, all or a resource type) and `detail=` (full, allstubs, referencestubs,
  allcompletestubs, referencecompletestubs, referencepartial); `all` and `latest` as the standard allows.
* Data: `/sdmx/rest/data/{dsd.FLOW}/{{key}}/{{provider}}`; the key has {dsd.KEY_LENGTH} positions
  ({".".join(d.id for d in dsd.DIMENSIONS)}), each empty (any) or codes joined by `+`. Parameters:
  `startPeriod`, `endPeriod`, `firstNObservations`, `lastNObservations`, `updatedAfter`,
  `dimensionAtObservation`, `detail` (full, dataonly, serieskeysonly, nodata) and `release={{id}}`
  (the figures as that release published them; default: the latest figure per key).
* Schemas: `/sdmx/rest/schema/dataflow/{dsd.AGENCY}/{dsd.FLOW}/{dsd.VERSION}?dimensionAtObservation=...`.
* Formats by the Accept header: `{negotiation.GENERIC}`, `{negotiation.SPECIFIC}`, `{negotiation.JSON}`,
  `{negotiation.CSV}` for data, `{negotiation.STRUCTURE}` for structures; or `format=` (genericdata,
  structurespecificdata, jsondata, csv, structure).
  `includeHistory=true` gives every release's figures, one data set per release with its
  `validFromDate` (SDMX-ML).
* SDMX 3.0 paths (REST API 2.0.0) under `/sdmx/rest/v2/`:
  `structure/{{type}}/{{agencyID}}/{{resourceID}}/{{version}}` (`*` all, `+`/`~` latest, commas for several;
  SDMX-ML 2.1 structure messages) and `data/{{context}}/{{agencyID}}/{{resourceID}}/{{version}}/{{key}}`
  (e.g. `data/dataflow/{dsd.AGENCY}/{dsd.FLOW}/{dsd.VERSION}/A.KEN.*`; `*` wildcards, missing trailing
  positions are wildcards, commas for several keys) with `c[COMPONENT]=` (dimensions and attributes by
  equality, commas for OR; TIME_PERIOD by `ge`/`gt`/`le`/`lt`/`eq`), `updatedAfter`,
  `firstNObservations`, `lastNObservations`, `dimensionAtObservation`, `attributes`, `measures`. Data in
  `{negotiation.CSV2}` by default, or the 2.1 formats where the Accept header names them.
* Errors: SDMX-ML error messages with the standard's codes (404 "No results found", 400 syntax error,
  406 not acceptable, 501 not implemented).
"""


@router.get(
    "",
    summary="The SDMX 2.1 REST web service and its 3.0 paths: parameters, formats",
    description=DESCRIPTION,
)
def sdmx_service(request: HttpRequest) -> dict[str, Any]:
    """Where the SDMX web service is and what it offers (the paths are described above)."""
    base = request.build_absolute_uri("/sdmx/rest/")
    return {
        "base": base,
        "standard": "SDMX 2.1 REST (and SDMX 3.0 REST API 2.0.0 paths under v2/)",
        "dataflow": f"{base}dataflow/{dsd.AGENCY}/{dsd.FLOW}/{dsd.VERSION}",
        "datastructure": f"{base}datastructure/{dsd.AGENCY}/{dsd.DSD}/{dsd.VERSION}?references=children",
        "availability": f"{base}contentconstraint/{dsd.AGENCY}/{dsd.CONSTRAINT}/{dsd.VERSION}",
        "data": f"{base}data/{dsd.FLOW}/all/all",
        "data_v3": f"{base}v2/data/dataflow/{dsd.AGENCY}/{dsd.FLOW}/{dsd.VERSION}/*",
        "structure_v3": f"{base}v2/structure/dataflow/{dsd.AGENCY}/{dsd.FLOW}/{dsd.VERSION}",
        "key_dimensions": [d.id for d in dsd.DIMENSIONS],
        "data_formats": [negotiation.GENERIC, negotiation.SPECIFIC, negotiation.JSON, negotiation.CSV],
        "data_formats_v3": [negotiation.CSV2, negotiation.GENERIC, negotiation.SPECIFIC, negotiation.CSV],
        "structure_formats": [negotiation.STRUCTURE],
    }
