"""Initiatives, their versions, decisions, attachments and pledge progress. Thin: rules live in ``domain``.

Texts that people write (title, summary, description) are JSON objects {language: text} in the six UN
languages; ``original_language`` marks the one the authors wrote in, the others are translations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wsis.apps.reference.models import LocalText, shown_text
from wsis.apps.registry.enums import ActivityStatus, Beneficiary, FocusArea, Kind, PledgeType, Scope, State


class Initiative(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.INITIATIVE)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="initiatives"
    )
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.DRAFT, db_index=True)
    original_language = models.CharField(_("original language"), max_length=2, default="en")
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    description = models.JSONField(_("description"), default=dict, blank=True)
    partners = models.JSONField(_("partners"), default=list, blank=True)  # [{"name": ..., "role": "4"}]
    links = models.JSONField(_("links"), default=list, blank=True)  # [{"url": ..., "title": ...}]
    action_lines = models.ManyToManyField(
        "reference.ActionLine", verbose_name=_("action lines"), related_name="initiatives"
    )
    countries = models.ManyToManyField(
        "reference.Economy", verbose_name=_("countries"), blank=True, related_name="initiatives"
    )
    groups = models.ManyToManyField(
        "reference.Group", verbose_name=_("regions and groups"), blank=True, related_name="initiatives"
    )
    scope = models.CharField(_("scope"), max_length=16, choices=Scope, default=Scope.NATIONAL)
    activity_status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus, default=ActivityStatus.ONGOING
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget_value = models.DecimalField(_("budget"), max_digits=16, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(_("currency"), max_length=3, default="USD", blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_public = models.BooleanField(_("show the contact publicly"), default=False)
    # Pledges (Partner2Connect): focus area and pillar of the P2C Action Framework, type, pledged value in
    # USD, beneficiary groups, and the pledge's own measurable targets
    # ([{"description": ..., "value": ..., "unit": ..., "year": ...}]).
    focus_area = models.CharField(_("focus area"), max_length=16, choices=FocusArea, blank=True)
    pillar = models.CharField(_("pillar"), max_length=100, blank=True)
    pledge_type = models.CharField(_("pledge type"), max_length=16, choices=PledgeType, blank=True)
    pledge_value_usd = models.DecimalField(
        _("pledged value (USD)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    beneficiaries = models.JSONField(_("beneficiary groups"), default=list, blank=True)
    pledge_targets = models.JSONField(_("pledge targets"), default=list, blank=True)
    iati_identifier = models.CharField(max_length=200, unique=True, null=True, blank=True)
    same_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        verbose_name=_("same as"),
    )
    is_demo = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    last_verified_at = models.DateTimeField(null=True, blank=True, db_index=True)
    inactive_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("initiative")
        indexes = [models.Index(fields=["state", "same_as", "inactive_since"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.display_title}"

    def get_absolute_url(self) -> str:
        return reverse("registry:detail", args=[self.pk])

    @property
    def ref(self) -> str:
        """The stable public identifier, never reused."""
        return f"WSIS-{self.pk:06d}"

    # The page's language, else English, else the original one (any ISO 639-1 language): a LocalText,
    # which knows its language so that the page can mark it (lang and dir).
    @property
    def display_title(self) -> LocalText:
        return shown_text(self.title, self.original_language)

    @property
    def display_summary(self) -> LocalText:
        return shown_text(self.summary, self.original_language)

    @property
    def beneficiary_labels(self) -> list[str]:
        return [str(Beneficiary(code).label) for code in self.beneficiaries if code in Beneficiary.values]

    @property
    def display_description(self) -> LocalText:
        return shown_text(self.description, self.original_language)


class InitiativeTarget(models.Model):
    """An SDG target the initiative contributes to, with a short evidence text."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="targets")
    target = models.ForeignKey("reference.SdgTarget", on_delete=models.PROTECT, related_name="+")
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)

    class Meta:
        ordering = ["target__position"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "target"], name="initiative_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.target_id}"


class Result(models.Model):
    """A result in the IATI model: an indicator with baseline, target and actual value."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="results")
    indicator = models.CharField(_("indicator"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4, null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.indicator} {self.year}"


class Version(models.Model):
    """A snapshot of every field after each saved change: the full history, never edited."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["initiative", "number"]
        constraints = [models.UniqueConstraint(fields=["initiative", "number"], name="version_once")]

    def __str__(self) -> str:
        return f"{self.initiative_id} v{self.number}"


class Decision(models.Model):
    """One step of the workflow, with its reason: the public decision log."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(_("action"), max_length=20)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    line = models.ForeignKey("reference.ActionLine", null=True, blank=True, on_delete=models.PROTECT)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.action}"


class Attachment(models.Model):
    """A file stored outside the web root (``WSIS_DATA_DIR/attachments``), served by a view."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.name}"


class ProgressReport(models.Model):
    """A pledge's yearly progress report."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="progress")
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("progress"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["initiative", "year"], name="progress_once_a_year")]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.year}"


class SearchDocument(models.Model):
    """The searchable text of an initiative, one column per language (PostgreSQL indexes each with its own
    text-search configuration) and all of it together (SQLite FTS5 trigram index, duplicate detection).
    Kept in its own table so that the database-side indexes and triggers survive changes to Initiative."""

    initiative = models.OneToOneField(
        Initiative, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    text_ar = models.TextField(default="")
    text_zh = models.TextField(default="")
    text_en = models.TextField(default="")
    text_fr = models.TextField(default="")
    text_ru = models.TextField(default="")
    text_es = models.TextField(default="")
    # Texts in any other content language (an IATI file's Dutch title): PostgreSQL indexes them with the
    # language-neutral 'simple' configuration (no stemming), SQLite through text_all as every language.
    text_other = models.TextField(default="")
    text_all = models.TextField(default="")
    title_all = models.TextField(default="")
    # Overlapping pairs of Chinese characters of text_zh, space-separated: PostgreSQL indexes them as an
    # array (migration 0005) so that two-character words, too short for trigrams, are found by index.
    zh_grams = models.TextField(default="")

    def __str__(self) -> str:
        return f"search document of {self.initiative_id}"


class IndexChange(models.Model):
    """A change to an initiative, appended by database triggers (migration 0003) on every insert or
    update of ``registry_initiative``: the in-memory search index of each process reads the changes it
    has not seen. ``stamp`` (random) tells a row apart from a later one that reused its id after a
    rollback. Old rows are pruned by the daily maintenance."""

    initiative_id = models.BigIntegerField()
    stamp = models.CharField(max_length=40)

    def __str__(self) -> str:
        return f"change {self.pk} of {self.initiative_id}"


class BulkImport(models.Model):
    """An uploaded bulk file (IATI XML, CSV, XLSX) and the background import that reads it. A large file
    tied up a web worker until its time-out and ended in a 500 (issue 14), so the upload only stores the
    file and queues the work; the organization follows it on a progress page that ends with the report.
    The file's bytes are dropped once the import has run: the entries' versions keep what it changed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    key = models.UUIDField(unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="bulk_imports"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content = models.BinaryField(default=b"")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    # The ImportReport as a dict once the import has run (created, updated, errors, skipped, ...).
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
