"""Sources the international instance pulls (SDMX 2.1 REST endpoints: another instance of this software or
any SDMX service) and the record of every pull, successful or not."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("national statistics office")
        INTERNATIONAL = "international", _("international organization")

    class State(models.TextChoices):
        NEW = "new", _("never pulled")
        OK = "ok", _("up")
        DOWN = "down", _("down")
        REFUSED = "refused", _("data refused")

    name = models.SlugField(_("name"), max_length=60, unique=True)
    url = models.URLField(_("SDMX REST base URL"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NATIONAL)
    flows = models.JSONField(_("dataflows"), default=list)
    economies = models.JSONField(
        _("economies"), default=list, help_text=_("ISO3 codes the source is authoritative for")
    )
    #: How to read the source's messages (``SdmxOptions``: area, indicator, period, dimensions).
    sdmx = models.JSONField(_("SDMX reading options"), default=dict, blank=True)
    every_hours = models.PositiveIntegerField(_("pull every (hours)"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NEW)
    last_success_at = models.DateTimeField(_("last successful pull"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Pull(models.Model):
    class Status(models.TextChoices):
        OK = "ok", _("imported")
        UNCHANGED = "unchanged", _("nothing new")
        FAILED = "failed", _("source down")
        REFUSED = "refused", _("data refused")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="pulls")
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    urls = models.JSONField(_("URLs"), default=list)
    updated_after = models.DateTimeField(_("updatedAfter"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    checksum = models.CharField(_("checksum"), max_length=64, blank=True)
    bytes = models.PositiveBigIntegerField(_("bytes"), default=0)
    release = models.OneToOneField(
        "warehouse.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="pull"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("pull")
        verbose_name_plural = _("pulls")

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
