from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "wsis.apps.registry"
    label = "registry"
    verbose_name = _("Stocktaking registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from wsis.apps.registry import rules  # noqa: F401 - registers the permission predicates

        post_migrate.connect(_ensure_triggers, sender=self)


def _ensure_triggers(sender, using: str = "default", **kwargs) -> None:
    """A later migration that rebuilds a registry table on SQLite drops its triggers; put them back."""
    from django.db import connections

    from wsis.apps.registry import triggers

    triggers.ensure(connections[using])
