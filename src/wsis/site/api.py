"""The REST API: one NinjaAPI, each domain app contributing its router. OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

from wsis import __version__
from wsis.apps.reference.api import router as reference_router

api = NinjaAPI(
    title="WSIS Observatory API",
    version=f"1 ({__version__})",
    description="Open data of the WSIS Observatory: reference knowledge, and more as the platform grows.",
    urls_namespace="api-v1",
)
api.add_router("/reference", reference_router)
