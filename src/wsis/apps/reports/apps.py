from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "wsis.apps.reports"
    label = "reports"
    verbose_name = _("Calls for inputs and reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wsis.apps.reports import rules  # noqa: F401 - registers the permission predicates
