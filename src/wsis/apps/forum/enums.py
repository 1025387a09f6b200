"""Closed vocabularies of the WSIS Forum."""

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The six UN languages as the platform records texts (Django's zh-hans is "zh"), in UN order.
LANGUAGES = ["ar", "zh", "en", "fr", "ru", "es"]
LANGUAGE_NAMES = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
#: Where the Forum meets: session times are entered, shown and exported in Geneva time.
FORUM_TIME_ZONE = "Europe/Zurich"


class SessionType(models.TextChoices):
    HIGH_LEVEL = "high_level", _("High-level session")
    FACILITATION = "facilitation", _("Action line facilitation meeting")
    WORKSHOP = "workshop", _("Workshop")
    THEMATIC = "thematic", _("Thematic session")


class SessionState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Gender(models.TextChoices):
    """Declared by the speaker or not at all; statistics count the undeclared apart."""

    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Another gender")
