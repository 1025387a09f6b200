from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "wsis.apps.federation"
    label = "federation"
    verbose_name = "Federation: SDMX sources the international instance pulls"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wsis.apps.federation import rules  # noqa: F401 - registers the permissions
