"""Closed vocabularies of the prizes app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Phase(models.TextChoices):
    """The five phases of a yearly cycle, in order (domain.md, WSIS Prizes)."""

    SUBMISSION = "submission", _("Submission")
    REVIEW = "review", _("Expert review and nominees")
    VOTING = "voting", _("Public voting")
    SELECTION = "selection", _("Expert selection of winners")
    RESULTS = "results", _("Results")


PHASE_ORDER = [Phase.SUBMISSION, Phase.REVIEW, Phase.VOTING, Phase.SELECTION, Phase.RESULTS]


class FlagStatus(models.TextChoices):
    OPEN = "open", _("To review")
    DISMISSED = "dismissed", _("Dismissed")
    CONFIRMED = "confirmed", _("Confirmed invalid")


# The expert criteria of domain.md; a cycle's rubric lists some or all of them with a maximum score each.
# Labels are stored in English (the cycle's JSON) and translated when shown.
DEFAULT_RUBRIC = [
    {"key": "impact", "label": gettext_noop("Results and impact"), "max": 10},
    {"key": "empowerment", "label": gettext_noop("Community empowerment"), "max": 10},
    {"key": "sdg", "label": gettext_noop("SDG relevance"), "max": 10},
    {"key": "replicability", "label": gettext_noop("Replicability"), "max": 10},
    {"key": "sustainability", "label": gettext_noop("Sustainability"), "max": 10},
    {"key": "partnerships", "label": gettext_noop("Partnerships"), "max": 10},
    {"key": "values", "label": gettext_noop("WSIS values"), "max": 10},
]
