from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    """Publications: every figure the site, the API and the reports show, computed once when the data
    change (``wsis refresh``), made current in one step, and only read by pages."""

    name = "wsis.apps.publishing"
    label = "publishing"
    verbose_name = _("Publications")
