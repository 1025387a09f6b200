from django.contrib import admin

from wsis.apps.reports.models import Call, Contribution, Report


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "opens_at", "closes_at"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["organization", "call", "state", "language", "version", "submitted_at"]
    list_filter = ["state", "language"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # contributions are changed by their authors only, as new versions


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["kind", "year", "subject", "language", "state", "generated_at"]
    list_filter = ["kind", "state", "language"]
