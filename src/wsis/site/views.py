"""Site-wide pages: the home page and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from wsis.apps.reference.models import ActionLine, Economy, Group, SdgTarget


def home(request: HttpRequest) -> HttpResponse:
    counts = {
        "lines": ActionLine.objects.count(),
        "targets": SdgTarget.objects.count(),
        "economies": Economy.objects.count(),
        "groups": Group.objects.count(),
    }
    return render(request, "home.html", {"counts": counts})


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
