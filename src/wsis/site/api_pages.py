"""The API's own pages: the endpoint list at ``/api/v1/`` and the browsable documentation at
``/api/v1/docs``.

The documentation is Swagger UI from the npm registry (``swagger-ui-dist``, pinned in package.json),
vendored into the static files at build time by ``scripts/vendor-static.mjs`` like the maps' boundaries:
django-ninja's default page loads it from a CDN, so it stayed blank on a machine without internet.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


class OfflineSwagger(DocsBase):
    """Swagger UI from our own static files (``static/vendor/swagger-ui/``), in a page that says its
    language: Swagger UI itself is English only."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        return render(request, self.template, {"api": api, "swagger_settings": settings})


@cache
def endpoints(api: NinjaAPI) -> tuple[dict[str, Any], ...]:
    """Every operation of the OpenAPI description: path, method, summary and tags (built once per process:
    the routes do not change while it runs)."""
    schema = api.get_openapi_schema(path_params={})
    found = []
    for path, operations in schema["paths"].items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "tags": operation.get("tags", []),
                }
            )
    return tuple(found)


def index(request: HttpRequest, api: NinjaAPI) -> dict[str, Any]:
    """What ``GET /api/v1/`` answers: the API's name and version, where its description and documentation
    are, and its endpoints."""
    namespace = api.urls_namespace
    return {
        "title": api.title,
        "version": api.version,
        "openapi": request.build_absolute_uri(reverse(f"{namespace}:openapi-json")),
        "docs": request.build_absolute_uri(reverse(f"{namespace}:openapi-view")),
        "endpoints": list(endpoints(api)),
    }
