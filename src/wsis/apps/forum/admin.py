from django.contrib import admin

from wsis.apps.forum.models import Consultation, Edition, ForumOrganizer, ModerationEntry, Paragraph, Session


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    extra = 3


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "starts_on", "ends_on", "submissions_open", "programme_published_at"]


@admin.register(ForumOrganizer)
class ForumOrganizerAdmin(admin.ModelAdmin):
    list_display = ["user"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "kind", "state", "starts_at", "room"]
    list_filter = ["edition", "kind", "state"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_at", "closes_at"]
    inlines = [ParagraphInline]


@admin.register(ModerationEntry)
class ModerationEntryAdmin(admin.ModelAdmin):
    list_display = ["comment", "action", "reason", "actor", "at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the moderation log is kept as written
