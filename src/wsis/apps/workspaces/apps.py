from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspacesConfig(AppConfig):
    name = "wsis.apps.workspaces"
    label = "workspaces"
    verbose_name = _("Action line workspaces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wsis.apps.workspaces import rules  # noqa: F401 - registers the permission predicates
        from wsis.apps.workspaces.domain.yearly import register_report_section

        register_report_section()
