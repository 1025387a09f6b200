from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "wsis.apps.forum"
    label = "forum"
    verbose_name = _("WSIS Forum")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wsis.apps.forum import rules  # noqa: F401 - registers the permission predicates

        # The action line workspaces list "Forum outcomes of this line" from the sources registered with
        # them; the Forum is one, when both apps are installed (neither needs the other otherwise).
        if apps.is_installed("wsis.apps.workspaces"):
            from wsis.apps.forum.domain.outcomes import cited_in_workspace
            from wsis.apps.workspaces.domain.outcomes import OUTCOME_SOURCES

            if cited_in_workspace not in OUTCOME_SOURCES:
                OUTCOME_SOURCES.append(cited_in_workspace)
