"""Forum editions, sessions with their speakers, outcome statements, forum organizers, and consultations
with their paragraphs, comments and moderation log. Thin: behaviour lives in ``domain``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wsis.apps.accounts.enums import StakeholderType
from wsis.apps.forum.enums import FORUM_TIME_ZONE, Gender, SessionState, SessionType


class Edition(models.Model):
    """One yearly WSIS Forum. Its programme is public once the organizers publish it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    venue = models.CharField(_("venue"), max_length=200, default="CICG, Geneva")
    time_zone = models.CharField(max_length=40, default=FORUM_TIME_ZONE)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    submissions_open = models.BooleanField(_("submissions open"), default=True)
    # The submission window, when the organizers set one: outside it, no session is submitted even while
    # ``submissions_open`` is on (the switch closes submissions early; the window announces them).
    submissions_from = models.DateTimeField(_("submissions open on"), null=True, blank=True)
    submissions_until = models.DateTimeField(_("submissions close on"), null=True, blank=True)
    # The rooms the programme may use; empty = any room name the submitters give.
    rooms = models.JSONField(_("rooms"), default=list, blank=True)
    programme_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("Forum edition")

    def __str__(self) -> str:
        return self.title


class ForumOrganizer(models.Model):
    """A member of the Forum's organizing team: reviews sessions and publishes the programme."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"forum organizer {self.user}"


class Session(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    kind = models.CharField(_("type"), max_length=20, choices=SessionType)
    action_lines = models.ManyToManyField(
        "reference.ActionLine", related_name="+", verbose_name=_("action lines")
    )
    sdg_targets = models.ManyToManyField("reference.SdgTarget", related_name="+", blank=True)
    # The organization that submitted the session: its members edit it until the review.
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="forum_sessions"
    )
    organizers = models.ManyToManyField("accounts.Organization", related_name="+")
    languages = models.JSONField(_("languages"), default=list)  # of enums.LANGUAGES
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    room = models.CharField(_("room"), max_length=100)
    state = models.CharField(max_length=12, choices=SessionState, default=SessionState.SUBMITTED)
    decision_reason = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "room", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Speaker(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=200)
    organization_name = models.CharField(_("organization"), max_length=200)
    stakeholder_type = models.CharField(_("stakeholder type"), max_length=20, choices=StakeholderType)
    # The organization's country: the M49 region of the statistics.
    country = models.ForeignKey("reference.Economy", null=True, blank=True, on_delete=models.PROTECT)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization_name})"


class Outcome(models.Model):
    """A session's outcome statement, at a permanent public URL that workspaces and reports cite."""

    session = models.OneToOneField(Session, on_delete=models.PROTECT, related_name="outcome")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    text = models.TextField(_("outcome statement"))
    language = models.CharField(_("language"), max_length=2)
    published_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"outcome of {self.session}"


class Consultation(models.Model):
    """An open consultation on a text (para 90): comments per paragraph until the close, then a summary."""

    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    edition = models.ForeignKey(Edition, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The languages comments may be written in (of enums.LANGUAGES); empty = the six.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-closes_at", "-pk"]
        verbose_name = _("consultation")

    def __str__(self) -> str:
        return self.title


class Paragraph(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="paragraphs")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="consultation_paragraph_once")
        ]

    def __str__(self) -> str:
        return f"para {self.number}"


class Comment(models.Model):
    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", null=True, blank=True, on_delete=models.PROTECT)
    # Copied from the organization when posted ("" for a person speaking for no organization), so the
    # summary counts what the commenter was at the time.
    stakeholder_type = models.CharField(max_length=20, choices=StakeholderType, blank=True)
    language = models.CharField(_("language"), max_length=2)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.paragraph}"


class ModerationEntry(models.Model):
    """The log of moderation: who hid (or restored) which comment, when and why."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="moderation")
    action = models.CharField(max_length=10)  # "hide" or "restore"
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} comment {self.comment_id}"
