"""Closed vocabularies of calls for inputs and reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The six UN languages as answers and reports record them (the registry's keys; Django's zh-hans is "zh").
LANGUAGES = ["ar", "zh", "en", "fr", "ru", "es"]
#: Django's language code of each.
DJANGO_LANGUAGE = {"ar": "ar", "zh": "zh-hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}


def text_language(django_code: str) -> str:
    """The registry's key of a Django language code (``zh-hans`` -> ``zh``)."""
    return "zh" if django_code.startswith("zh") else django_code[:2]


class Audience(models.TextChoices):
    UN_ENTITIES = "un_entities", _("UN entities")
    REGIONAL_COMMISSIONS = "regional_commissions", _("Regional commissions")
    MEMBER_STATES = "member_states", _("Member States")
    FACILITATORS = "facilitators", _("Action line facilitators")
    ALL_STAKEHOLDERS = "all_stakeholders", _("All stakeholders")


class QuestionKind(models.TextChoices):
    LONG_TEXT = "long_text", _("Long text")
    PER_ACTION_LINE = "per_action_line", _("One text per action line")
    CHOICE = "choice", _("Choice")
    NUMBER = "number", _("Number")
    INITIATIVES = "initiatives", _("Links to registry initiatives")
    ATTACHMENT = "attachment", _("Attachment")


class ContributionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ReportSection(models.TextChoices):
    """Where a picked excerpt goes in the annual report."""

    REGIONAL = "regional", _("Regional level")
    INTERNATIONAL = "international", _("International level")


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("Annual progress report")
    COUNTRY = "country", _("Country report")
    ACTION_LINE = "action_line", _("Action line report")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    FROZEN = "frozen", _("Frozen")
    PUBLISHED = "published", _("Published")


class CommentState(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
