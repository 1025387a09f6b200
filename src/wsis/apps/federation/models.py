"""Sources the international instance pulls (SDMX 2.1 REST endpoints: another instance of this software or
any SDMX service) and the record of every pull, successful or not."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wsis.apps.reference.models import LocalText


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
    #: Where the source lists its country case studies (another instance: ``<site>/api/v1/case-studies``);
    #: empty for an SDMX service that publishes none.
    case_studies_url = models.URLField(_("case studies URL"), max_length=500, blank=True)
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
    case_studies = models.PositiveIntegerField(_("case studies added or changed"), default=0)
    release = models.OneToOneField(
        "warehouse.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="pull"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("pull")
        verbose_name_plural = _("pulls")

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class CaseStudy(models.Model):
    """A country case study (para 100a): a document about an economy's ICT data or policy, tied to the
    indicators and action lines it is about. Published by this instance (``source`` empty) or pulled from
    a national instance, with where and when it came from."""

    economy = models.ForeignKey(
        "reference.Economy", on_delete=models.PROTECT, related_name="case_studies", verbose_name=_("economy")
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    #: The document's language (ISO 639-1): a national office may publish in any language.
    language = models.CharField(_("language"), max_length=2)
    publisher = models.CharField(_("publisher"), max_length=200)
    published_on = models.DateField(_("publication date"))
    indicators = models.ManyToManyField("reference.Indicator", blank=True, related_name="case_studies")
    action_lines = models.ManyToManyField("reference.ActionLine", blank=True, related_name="case_studies")
    # The document: a file held here (PDF, PNG or JPEG, told by its bytes), or a link to where it lives.
    link = models.URLField(_("link"), max_length=500, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=40, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    stored_as = models.CharField(max_length=32, blank=True)
    # Provenance of a pulled case study: the source, its id there and the URL it was read from.
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="case_studies"
    )
    remote_id = models.CharField(_("id at the source"), max_length=40, blank=True)
    origin = models.URLField(_("pulled from"), max_length=500, blank=True)
    pulled_at = models.DateTimeField(_("pulled at"), null=True, blank=True)
    #: When the source last changed it: a pull copies it again only when this moved.
    remote_updated_at = models.DateTimeField(_("changed at the source"), null=True, blank=True)
    #: Set when the source no longer lists it: kept (nothing is lost) but no longer shown.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("country case study")
        verbose_name_plural = _("country case studies")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "remote_id"],
                condition=models.Q(source__isnull=False),
                name="case_study_once_per_source",
            ),
            # Exactly one of: a file held here, a link.
            models.CheckConstraint(
                condition=(models.Q(link="") & ~models.Q(stored_as=""))
                | (~models.Q(link="") & models.Q(stored_as="")),
                name="case_study_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.economy_id} {self.title}"

    # The title and summary are in the document's language, which pages mark with lang and dir.
    @property
    def title_text(self) -> LocalText:
        return LocalText(self.title, self.language)

    @property
    def document_format(self) -> str:
        """PDF, PNG or JPEG: what a visitor is about to download."""
        return self.content_type.rsplit("/", 1)[-1].upper()

    @property
    def summary_text(self) -> LocalText:
        return LocalText(self.summary, self.language)
