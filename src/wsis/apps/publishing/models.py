"""Publications of the measurement figures.

A :class:`Publication` is one complete refresh: every figure a page, the API or a report shows (group
aggregates, dispersion, progress towards targets, the IDI where inputs allow), each a
:class:`PublishedFigure` under a key that names what it is (``aggregates/i99H/LDC``). A refresh computes
everything first and writes its publication and all its figures in one transaction that also makes it the
current one, so a visitor sees either the previous publication or the new one, never half of one; a
refresh that fails or is killed leaves the previous publication current (a failed one is recorded with why).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Publication(models.Model):
    class State(models.TextChoices):
        CURRENT = "current", pgettext_lazy("publication", "current")
        RETIRED = "retired", pgettext_lazy("publication", "retired")
        FAILED = "failed", pgettext_lazy("publication", "failed")

    state = models.CharField(pgettext_lazy("publication", "state"), max_length=10, choices=State.choices)
    trigger = models.CharField(_("trigger"), max_length=80, help_text=_("what asked for the refresh"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    seconds = models.FloatField(_("duration (s)"))
    figure_count = models.PositiveIntegerField(_("figures"), default=0)
    #: What the figures were computed from: the releases (id, size, checksum) and the reference state.
    inputs = models.JSONField(_("inputs"), default=dict)
    demonstration = models.BooleanField(_("demonstration data"), default=False)
    #: Page scope (``economy:FRA``) -> digest of what that page shows, for the page cache (domain.pages).
    pages = models.JSONField(_("page digests"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("publication")
        indexes = [models.Index(fields=["state", "-id"], name="publication_state_idx")]

    def __str__(self) -> str:
        return f"publication {self.pk} ({self.state})"


class PublishedFigure(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="figures")
    key = models.CharField(_("key"), max_length=200)
    value = models.JSONField(_("value"), null=True)

    class Meta:
        verbose_name = _("published figure")
        constraints = [models.UniqueConstraint(fields=["publication", "key"], name="published_figure_key")]

    def __str__(self) -> str:
        return f"{self.key} in publication {self.publication_id}"
