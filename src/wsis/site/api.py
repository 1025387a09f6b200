"""The REST API: one NinjaAPI, each domain app contributing its router. OpenAPI at /api/v1/openapi.json,
the list of endpoints at /api/v1/, the documentation (Swagger UI from our own static files) at
/api/v1/docs."""

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI

from wsis import __version__
from wsis.apps.federation.api import router as federation_router
from wsis.apps.forum.api import router as forum_router
from wsis.apps.measure.api import router as measure_router
from wsis.apps.prizes.api import router as prizes_router
from wsis.apps.reference.api import router as reference_router
from wsis.apps.registry.api import router as registry_router
from wsis.apps.sdmx.api import router as sdmx_router
from wsis.apps.warehouse.api import router as warehouse_router
from wsis.apps.workspaces.api import router as workspaces_router
from wsis.site import api_pages

api = NinjaAPI(
    title="WSIS Observatory API",
    version=f"1 ({__version__})",
    description="Open data of the WSIS Observatory: reference knowledge, and more as the platform grows.",
    urls_namespace="api-v1",
    docs=api_pages.OfflineSwagger(),
)


@api.get("/", url_name="index", summary="The list of endpoints", tags=["index"])
def index(request: HttpRequest) -> dict[str, Any]:
    """The API's name and version, where its OpenAPI description and documentation are, and every
    endpoint with its method and summary."""
    return api_pages.index(request, api)


api.add_router("/reference", reference_router)
api.add_router("/registry", registry_router)
api.add_router("/measure", measure_router)
api.add_router("/prizes", prizes_router)
api.add_router("/sdmx", sdmx_router)
api.add_router("/workspaces", workspaces_router)
api.add_router("/forum", forum_router)
api.add_router("/", federation_router)
api.add_router("/", warehouse_router)
