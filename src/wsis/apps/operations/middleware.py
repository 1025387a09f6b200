"""A request that meets another writer answers 503 with Retry-After, never a 500.

SQLite lets one writer at a time: a page or API write during an import waits up to the busy timeout
(``WSIS_SQLITE_BUSY_SECONDS``) and then fails with "database is locked"; PostgreSQL may pick a request as
the victim of a deadlock or of a lock timeout. Neither is a fault of the request: the client is told to
try again shortly, in JSON on the API and in a short page elsewhere, and nothing was changed (the
request's transaction was rolled back)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from wsis.apps.operations.domain.audit import serving
from wsis.apps.operations.domain.locks import is_busy

log = logging.getLogger(__name__)
MESSAGE = "The database is busy with another writer (an import or a refresh); nothing was changed."


class BusyDatabaseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        log.warning("busy database on %s %s: %s", request.method, request.path, exception)
        retry = str(settings.WSIS_BUSY_RETRY_AFTER)
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": MESSAGE, "retry_after": int(retry)}, status=503)
        else:
            response = HttpResponse(
                f"<!doctype html><title>503</title><p>{MESSAGE} Please try again in a few seconds.</p>",
                status=503,
                content_type="text/html; charset=utf-8",
            )
        response["Retry-After"] = retry
        response["Cache-Control"] = "no-store"
        return response


class AuditActorMiddleware:
    """The signed-in user of the request is the actor of the audited actions it causes (domain/audit.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving(request):
            return self.get_response(request)
