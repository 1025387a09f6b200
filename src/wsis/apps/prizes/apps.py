from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrizesConfig(AppConfig):
    name = "wsis.apps.prizes"
    label = "prizes"
    verbose_name = _("WSIS Prizes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wsis.apps.prizes import rules  # noqa: F401 - registers the permission predicates
