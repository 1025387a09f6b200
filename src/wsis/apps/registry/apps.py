from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "wsis.apps.registry"
    label = "registry"
    verbose_name = _("Stocktaking registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wsis.apps.registry import rules  # noqa: F401 - registers the permission predicates
