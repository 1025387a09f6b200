"""The REST API: one NinjaAPI, each domain app contributing its router. OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

from wsis import __version__
from wsis.apps.measure.api import router as measure_router
from wsis.apps.prizes.api import router as prizes_router
from wsis.apps.reference.api import router as reference_router
from wsis.apps.registry.api import router as registry_router
from wsis.apps.warehouse.api import router as warehouse_router

api = NinjaAPI(
    title="WSIS Observatory API",
    version=f"1 ({__version__})",
    description="Open data of the WSIS Observatory: reference knowledge, and more as the platform grows.",
    urls_namespace="api-v1",
)
api.add_router("/reference", reference_router)
api.add_router("/registry", registry_router)
api.add_router("/measure", measure_router)
api.add_router("/prizes", prizes_router)
api.add_router("/", warehouse_router)
