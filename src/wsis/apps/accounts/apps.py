from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "wsis.apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organizations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wsis.apps.accounts import rules  # noqa: F401 - registers the permission predicates
