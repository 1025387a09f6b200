"""Django admin for staff: stored computations, read-only (a computation is a record, never edited)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wsis.apps.measure.models import Computation


@admin.register(Computation)
class ComputationAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "methodology", "methodology_version", "created_at")
    list_filter = ("kind", "status", "methodology")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
