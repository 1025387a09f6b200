"""Every computation of the measurement engine on warehouse data, stored with its provenance.

A figure the platform publishes (a world aggregate, an IDI score) must be reproducible: the row keeps the
parameters, the full result, the releases whose observations went in, the methodology and its version,
and the code version. ``fingerprint`` identifies a computation by all of these, so that asking the same
question of the same data again returns the stored row instead of piling up copies.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Computation(models.Model):
    class Kind(models.TextChoices):
        AGGREGATE = "aggregate", _("group aggregate")
        DIVIDE = "divide", _("digital divide")
        PROGRESS = "progress", _("progress towards targets")
        INDEX = "index", _("composite index")
        AFFORDABILITY = "affordability", _("affordability")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict)
    result = models.JSONField(_("result"), default=dict)
    status = models.CharField(
        pgettext_lazy("computation", "status"),
        max_length=10,
        default="ok",
        help_text=_("ok, or refused when a figure was withheld"),
    )
    releases = models.ManyToManyField(
        "warehouse.Release", related_name="computations", verbose_name=_("input releases")
    )
    methodology = models.CharField(_("methodology"), max_length=80)
    methodology_version = models.CharField(_("methodology version"), max_length=80)
    code_version = models.CharField(_("code version"), max_length=40)
    fingerprint = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("computation")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.methodology} {self.methodology_version})"
