"""Rows of the action line workspaces. Thin: behaviour lives in ``domain``, permissions in ``rules``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wsis.apps.workspaces.enums import (
    DigestPeriod,
    Direction,
    IssueStatus,
    MembershipAction,
    MembershipState,
    MinutesState,
    PartnerKind,
)

USER = settings.AUTH_USER_MODEL


class Workspace(models.Model):
    """One per action line (C1-C11 and C7's sub-lines), set up by a facilitator of the line."""

    line = models.OneToOneField("reference.ActionLine", on_delete=models.PROTECT, related_name="workspace")
    purpose = models.TextField(_("purpose"), blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line__position"]

    def __str__(self) -> str:
        return f"workspace {self.line_id}"


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=MembershipState)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "organization"], name="ws_member_once")]
        ordering = ["organization__name"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.state} in {self.workspace_id}"


class MembershipEvent(models.Model):
    """The membership log: who did what to which organization's membership, and when."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="membership_events")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=MembershipAction)
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.action} by {self.actor_id} at {self.at}"


class Issue(models.Model):
    """An issue that needs improvement in the line (para 20)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=12, choices=IssueStatus, default=IssueStatus.PROPOSED)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    initiatives = models.ManyToManyField("registry.Initiative", blank=True, related_name="+")
    targets = models.ManyToManyField("reference.SdgTarget", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class IssueChange(models.Model):
    """One line of an issue's history: a field's value before and after, by whom."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=20)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.field}: {self.before} -> {self.after}"


class Meeting(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_state = models.CharField(max_length=8, choices=MinutesState, default=MinutesState.DRAFT)
    adopted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class MeetingDocument(models.Model):
    """An upload checked like the registry's attachments (first bytes, size), stored under a random name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=32, unique=True)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


class FollowUp(models.Model):
    """A follow-up action of a decision, with its owner and due date."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField(_("action"))
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("due date"))
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.text[:60]} (due {self.due})"

    def overdue_on(self, today: dt.date) -> bool:
        return self.done_at is None and self.due < today


class Note(models.Model):
    """A facilitators' note: members only."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("note"))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.text[:80]


class PartnerSignal(models.Model):
    """What partner a registry initiative seeks, or what it offers (registry rows stay as they are)."""

    initiative = models.ForeignKey("registry.Initiative", on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(_("seeks or offers"), max_length=6, choices=Direction)
    kind = models.CharField(_("kind of partner"), max_length=20, choices=PartnerKind)
    country = models.ForeignKey(
        "reference.Economy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "direction", "kind", "country"], name="signal_once")
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.direction} {self.kind}"


class Activity(models.Model):
    """What changed in a workspace, for the digest. Private rows go only to members.

    ``message`` is the English sentence with placeholders (a msgid) and ``params`` fills them, so each
    member's digest says it in their language; ``text`` keeps the sentence in English."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="activity")
    text = models.TextField()
    message = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    private = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class DigestChoice(models.Model):
    """How often a member wants the digest of a workspace (weekly when never chosen)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="digest_choices")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=6, choices=DigestPeriod, default=DigestPeriod.WEEKLY)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="digest_choice_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period} for {self.workspace_id}"
