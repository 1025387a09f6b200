"""Staff see every publication (current, retired, failed with its error), read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wsis.apps.publishing.models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("id", "state", "trigger", "started_at", "seconds", "figure_count", "demonstration")
    list_filter = ("state", "demonstration")
    readonly_fields = [f.name for f in Publication._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
