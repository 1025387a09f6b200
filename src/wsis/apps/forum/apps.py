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
        # The annual report's international-level section cites the year's outcome statements the same way.
        if apps.is_installed("wsis.apps.reports"):
            from wsis.apps.forum.domain.report import annual_report_paragraphs
            from wsis.apps.reports.domain.annual import INTERNATIONAL_SOURCES

            if annual_report_paragraphs not in INTERNATIONAL_SOURCES:
                INTERNATIONAL_SOURCES.append(annual_report_paragraphs)
