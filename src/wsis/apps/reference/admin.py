"""Django admin for staff: the reference knowledge, browsable and (for the matrix) editable."""

from django.contrib import admin

from wsis.apps.reference import models as m


@admin.register(m.ActionLine)
class ActionLineAdmin(admin.ModelAdmin):
    list_display = ("code", "prize_category", "verified")
    search_fields = ("code", "names")


@admin.register(m.SdgTarget)
class SdgTargetAdmin(admin.ModelAdmin):
    list_display = ("code", "goal")
    list_filter = ("goal",)
    search_fields = ("code",)


@admin.register(m.MatrixLink)
class MatrixLinkAdmin(admin.ModelAdmin):
    list_display = ("line", "target", "facilitator", "version")
    list_filter = ("line", "version")
    search_fields = ("target__code", "rationale")


@admin.register(m.Economy)
class EconomyAdmin(admin.ModelAdmin):
    list_display = ("iso3", "iso2", "m49", "region", "subregion")
    list_filter = ("region",)
    search_fields = ("iso3", "iso2", "m49", "names")


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("group", "economy", "valid_from", "valid_to")
    list_filter = ("group",)
    search_fields = ("economy__iso3",)


for model in (
    m.SdgGoal,
    m.SdgIndicator,
    m.MatrixVersion,
    m.Region,
    m.Group,
    m.Indicator,
    m.ConnectivityTarget,
    m.ReferenceRelease,
):
    admin.site.register(model)
