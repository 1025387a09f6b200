from django.contrib import admin

from wsis.apps.accounts import models as m


@admin.register(m.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "stakeholder_type", "un_entity", "is_demo")
    list_filter = ("stakeholder_type", "un_entity")
    search_fields = ("name",)


@admin.register(m.Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("organization", "user", "role")


@admin.register(m.StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "line")
    list_filter = ("role", "line")
