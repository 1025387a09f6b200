"""Closed vocabularies of the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StakeholderType(models.TextChoices):
    """The stakeholder groups of the WSIS outcome documents (Tunis Agenda para 16)."""

    GOVERNMENT = "government", _("Government")
    INTERNATIONAL = "international", _("International organization")
    PRIVATE = "private", _("Private sector")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")
    TECHNICAL = "technical", _("Technical community")


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")


class StaffRole(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    MODERATOR = "moderator", _("Moderator")
    # The CSTD secretariat (UNCTAD): runs calls for inputs and writes the annual report (para 110).
    SECRETARIAT = "secretariat", _("Secretariat")


# IATI OrganisationType codes for each stakeholder type, used by the IATI exporter.
IATI_ORGANISATION_TYPE = {
    StakeholderType.GOVERNMENT: "10",
    StakeholderType.INTERNATIONAL: "40",
    StakeholderType.PRIVATE: "70",
    StakeholderType.CIVIL_SOCIETY: "22",
    StakeholderType.ACADEMIA: "80",
    StakeholderType.TECHNICAL: "21",
}
