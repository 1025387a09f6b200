"""The writers' lock table and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WriterLock(models.Model):
    """Who holds a writers' lock (``domain/locks.py``): one row per lock name while it is held.

    On SQLite the row is the lock (taken in an immediate transaction; a row left by a process that died
    is taken over). On PostgreSQL the lock is an advisory lock of the holder's session, which the server
    releases when that session ends, and the row only says who holds it."""

    name = models.CharField(max_length=60, primary_key=True)
    purpose = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    host = models.CharField(max_length=255)
    since = models.DateTimeField()

    class Meta:
        verbose_name = _("writers' lock")

    def __str__(self) -> str:
        return f"{self.purpose} (process {self.pid} on {self.host}, since {self.since:%Y-%m-%d %H:%M:%S} UTC)"


class AuditEntry(models.Model):
    """One staff or moderator action: who did what to which object, when. Written in the transaction of
    the action itself, never changed (the admin shows it read-only)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The actor's user name at the time (kept if the account is deleted), or the command that acted.
    actor_name = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("object type"), max_length=60)
    target_id = models.CharField(_("object id"), max_length=60, blank=True)
    summary = models.CharField(_("what"), max_length=500)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.summary}"
