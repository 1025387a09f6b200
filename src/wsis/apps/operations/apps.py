from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running the platform safely: the lock that makes data writers (imports, refreshes) take turns, the
    audit log of staff and moderator actions, and backup and restore."""

    name = "wsis.apps.operations"
    label = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from wsis.apps.operations import signals  # noqa: F401 - connects the audit receivers
