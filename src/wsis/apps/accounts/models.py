"""Organizations, their members, staff roles and API tokens. Thin: behaviour lives in ``domain``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wsis.apps.accounts.enums import MemberRole, StaffRole, StakeholderType


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    stakeholder_type = models.CharField(_("stakeholder type"), max_length=20, choices=StakeholderType)
    un_entity = models.BooleanField(_("UN entity"), default=False)
    country = models.ForeignKey(
        "reference.Economy", verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT
    )
    website = models.URLField(_("website"), blank=True)
    # The organization's IATI organisation identifier when it has one (e.g. XM-DAC-41114 for UNDP).
    iati_ref = models.CharField(_("IATI organisation identifier"), max_length=100, blank=True)
    # Entries imported with action lines only suggested (from DAC sectors and SDG tags) stay drafts for
    # the organization to confirm, unless it asked for them to go straight to the facilitators' queue.
    submit_imports = models.BooleanField(
        _("submit imported entries for review without confirming suggested action lines"), default=False
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")

    def __str__(self) -> str:
        return self.name

    @property
    def identifier(self) -> str:
        """IATI reporting-org ref: its own, else one in the private XM-WSIS namespace of this platform."""
        return self.iati_ref or f"XM-WSIS-ORG{self.pk}"


class Member(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole, default=MemberRole.EDITOR)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="member_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.organization}"


class StaffAssignment(models.Model):
    """A facilitator of one action line, or a moderator or member of the secretariat (line empty)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=12, choices=StaffRole)
    line = models.ForeignKey("reference.ActionLine", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "line"], name="staff_role_once"),
            models.CheckConstraint(
                condition=models.Q(role__in=["moderator", "secretariat"], line__isnull=True)
                | models.Q(role="facilitator", line__isnull=False),
                name="facilitator_has_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.line_id or ''}"


class ApiToken(models.Model):
    """A personal token for the write API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(_("label"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class Preference(models.Model):
    """What the platform needs to know of a person when it writes to them outside a request: the language
    of its e-mails (one of the six UN languages of ``settings.LANGUAGES``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(_("language"), max_length=7, choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user} prefers {self.language}"
