"""Closed vocabularies of the registry, with their IATI 2.03 codes where IATI has one."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Text languages: the six UN languages, keyed as the reference knowledge keys its texts.
TEXT_LANGUAGES = ["ar", "zh", "en", "fr", "ru", "es"]


class Kind(models.TextChoices):
    INITIATIVE = "initiative", _("Initiative")
    PLEDGE = "pledge", _("Pledge")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")


class Scope(models.TextChoices):
    LOCAL = "local", _("Local")
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    INTERNATIONAL = "international", _("International")


class PartnerRole(models.TextChoices):
    """IATI OrganisationRole."""

    FUNDING = "1", _("Funding")
    ACCOUNTABLE = "2", _("Accountable")
    EXTENDING = "3", _("Extending")
    IMPLEMENTING = "4", _("Implementing")


class Action(models.TextChoices):
    """What a decision in the log did."""

    SUBMIT = "submit", _("Submitted")
    START_REVIEW = "start_review", _("Review started")
    PUBLISH = "publish", _("Published")
    REQUEST_CHANGES = "request_changes", _("Changes requested")
    REJECT = "reject", _("Rejected")
    MERGE = "merge", _("Merged as the same initiative")
    INACTIVE = "inactive", _("Marked inactive after silence")


class Light(models.TextChoices):
    GREEN = "green", _("Verified this year")
    YELLOW = "yellow", _("Verification due")
    RED = "red", _("Verification overdue")


class FocusArea(models.TextChoices):
    """Partner2Connect focus areas."""

    ACCESS = "access", _("Access")
    ADOPTION = "adoption", _("Adoption")
    VALUE = "value_creation", _("Value creation")
    ACCELERATE = "accelerate", _("Accelerate")


class PledgeType(models.TextChoices):
    """Partner2Connect pledge types."""

    PROGRAMMATIC = "programmatic", _("Programmatic")
    ADVOCACY = "advocacy", _("Advocacy")
    POLICY = "policy", _("Policy")
    FINANCIAL = "financial", _("Financial")


class Beneficiary(models.TextChoices):
    """Beneficiary groups a pledge names (a project vocabulary: P2C asks for groups in free text)."""

    GENERAL = "general", _("General population")
    WOMEN = "women_girls", _("Women and girls")
    YOUTH = "youth_children", _("Children and youth")
    OLDER = "older_persons", _("Older persons")
    DISABILITIES = "disabilities", _("Persons with disabilities")
    RURAL = "rural_remote", _("Rural and remote communities")
    INDIGENOUS = "indigenous", _("Indigenous peoples")
    DISPLACED = "displaced", _("Refugees, migrants and displaced people")
    SMALL_BUSINESS = "msme", _("Micro, small and medium enterprises")
    PUBLIC_SECTOR = "public_sector", _("Public institutions")


# IATI codes for the exporter and importer.
IATI_STATUS = {ActivityStatus.PLANNED: "1", ActivityStatus.ONGOING: "2", ActivityStatus.COMPLETED: "4"}
IATI_SCOPE = {Scope.INTERNATIONAL: "1", Scope.REGIONAL: "2", Scope.NATIONAL: "4", Scope.LOCAL: "6"}
