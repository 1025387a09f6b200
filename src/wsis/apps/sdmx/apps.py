from django.apps import AppConfig


class SdmxConfig(AppConfig):
    name = "wsis.apps.sdmx"
    label = "sdmx"
    # The standard's name, the same in every language (the app has no page or model of its own).
    verbose_name = "SDMX"
