from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public site: profiles, the indicator explorer, comparisons and search, built on the
    warehouse, the measurement results and the registry. Read-only; every page works without JavaScript."""

    name = "wsis.apps.public"
    label = "public"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from wsis.apps.public.warmup import after_publication
        from wsis.apps.publishing.signals import publication_made

        publication_made.connect(after_publication, dispatch_uid="public-warm-pages")
