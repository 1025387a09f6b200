"""Closed vocabularies of the workspaces app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Member")
    DECLINED = "declined", _("Declined")
    REMOVED = "removed", _("Removed")


class MembershipAction(models.TextChoices):
    """What happened to a membership: each change is one logged row."""

    REQUEST = "request", _("asked to join")
    INVITE = "invite", _("invited")
    APPROVE = "approve", _("request approved")
    ACCEPT = "accept", _("invitation accepted")
    DECLINE = "decline", _("declined")
    REMOVE = "remove", _("removed")


class IssueStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    DECLINED = "declined", _("Declined")


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class Direction(models.TextChoices):
    SEEKS = "seeks", _("Seeks")
    OFFERS = "offers", _("Offers")


class PartnerKind(models.TextChoices):
    FUNDING = "funding", _("Funding")
    EXPERTISE = "expertise", _("Expertise")
    COUNTRY_PRESENCE = "country_presence", _("Country presence")


class DigestPeriod(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    NEVER = "never", _("Never")
