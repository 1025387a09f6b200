"""Django admin for staff: releases with their files and quality flags, observations searchable.

Read-only: the warehouse changes only through imports, so every figure keeps its release and checksum.
"""

from django.contrib import admin

from wsis.apps.warehouse import models as m


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ImportedFileInline(admin.TabularInline):
    model = m.ImportedFile
    fields = ("name", "reader", "source_records", "observations", "checksum")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(m.Release)
class ReleaseAdmin(ReadOnly):
    list_display = (
        "id",
        "publisher",
        "name",
        "date",
        "observation_count",
        "synthetic",
        "imported_at",
        "publish_at",
        "embargo_lifted_at",
    )
    list_filter = ("publisher", "synthetic", ("publish_at", admin.EmptyFieldListFilter))
    search_fields = ("publisher", "name", "origin")
    inlines = [ImportedFileInline]


@admin.register(m.QualityFlag)
class QualityFlagAdmin(ReadOnly):
    list_display = ("release", "file", "row", "column", "message")
    list_filter = ("release",)


@admin.register(m.Observation)
class ObservationAdmin(ReadOnly):
    list_display = (
        "indicator",
        "area",
        "period",
        "sex",
        "urbanisation",
        "value",
        "unit",
        "nature",
        "release",
    )
    list_filter = ("nature", "is_latest")
    search_fields = ("indicator", "area", "period")
    list_select_related = ("release",)
