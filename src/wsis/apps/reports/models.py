"""Calls for inputs (questionnaires, invitations, contributions with every version kept, picked excerpts)
and the reports made from them and from the current publication. Thin: behaviour lives in ``domain``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wsis.apps.reports.enums import (
    CommentState,
    ContributionState,
    QuestionKind,
    ReportKind,
    ReportSection,
    ReportState,
)


class Call(models.Model):
    """A call for inputs: what it is for (and the resolution paragraph it answers), who is asked, when."""

    year = models.PositiveSmallIntegerField(_("report year"))
    title = models.CharField(_("title"), max_length=300)
    purpose = models.TextField(_("purpose"))
    paragraph = models.CharField(_("paragraph answered"), max_length=100)
    audience = models.JSONField(_("audience"), default=list)  # Audience values
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    languages = models.JSONField(_("languages"), default=list)  # of enums.LANGUAGES
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("call for inputs")

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class Extension(models.Model):
    """A change of a call's closing date, with its reason: the log of extensions."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="extensions")
    old_closes = models.DateTimeField()
    new_closes = models.DateTimeField()
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"call {self.call_id} extended to {self.new_closes:%Y-%m-%d}"


class Section(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="call_section_once")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind)
    text = models.TextField(_("question"))
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["section__number", "number"]
        constraints = [models.UniqueConstraint(fields=["section", "number"], name="section_question_once")]

    def __str__(self) -> str:
        return f"{self.label} {self.text[:40]}"

    @property
    def label(self) -> str:
        """``2.3``: section and question number, as the compilation and excerpts cite it."""
        return f"{self.section.number}.{self.number}"


class Invitation(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="invitations")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name"]
        constraints = [models.UniqueConstraint(fields=["call", "organization"], name="invitation_once")]

    def __str__(self) -> str:
        return f"{self.organization} invited to call {self.call_id}"


class Contribution(models.Model):
    """One organization's answer to a call. Its members co-edit it; every save and submission is a
    :class:`ContributionVersion`. ``answers`` is the latest version's (question id -> value)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="contributions")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=ContributionState, default="draft")
    language = models.CharField(_("language"), max_length=2)
    answers = models.JSONField(_("answers"), default=dict)
    consent_to_publish = models.BooleanField(_("consent to publish"), default=False)
    version = models.PositiveIntegerField(default=0)
    submitted_version = models.PositiveIntegerField(null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name"]
        constraints = [models.UniqueConstraint(fields=["call", "organization"], name="contribution_once")]

    def __str__(self) -> str:
        return f"{self.organization} to call {self.call_id}"


class ContributionVersion(models.Model):
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=ContributionState)
    language = models.CharField(max_length=2)
    answers = models.JSONField(default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["contribution", "number"], name="contribution_version_once")
        ]

    def __str__(self) -> str:
        return f"version {self.number} of contribution {self.contribution_id}"


class ContributionFile(models.Model):
    """An attachment answering a question: PDF, PNG, JPEG, DOCX or XLSX, recognised by its bytes."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="files")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Excerpt(models.Model):
    """A passage of a submitted contribution the secretariat picked for a section of the report. It stays
    in the contribution's language and cites it."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="excerpts")
    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="excerpts")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(_("report section"), max_length=20, choices=ReportSection)
    text = models.TextField(_("excerpt"))
    language = models.CharField(max_length=2)
    picked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"excerpt {self.pk} of contribution {self.contribution_id}"


class Report(models.Model):
    """A report in one language: the annual report of ``year``, or a country (``subject`` ISO3) or action
    line (``subject`` code) report. Its paragraphs follow the data until it is frozen."""

    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind)
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("subject"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=2)
    #: The UN document symbol, e.g. ``A/81/65-E/2026/11``, set by the secretariat before publication.
    symbol = models.CharField(_("document symbol"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ReportState, default="draft")
    publication = models.ForeignKey(
        "publishing.Publication", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: What the figures were read from, kept when the publication itself is pruned.
    publication_token = models.CharField(max_length=80, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    #: The frozen report as published: paragraphs, footnotes and figures (what HTML, PDF, DOCX show).
    final = models.JSONField(null=True, blank=True)
    comments_open = models.BooleanField(_("public comment period open"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "kind", "subject", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "subject", "language"], name="report_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} report {self.year} {self.subject} ({self.language})"


class Paragraph(models.Model):
    """One paragraph of a report under a stable ``key``. ``generated`` is what the data say now; ``text``
    is what the report shows: the generated text, or the secretariat's edit (``edited``), which a
    regeneration keeps. ``figures`` are the footnoted numbers, cited in the text as ``[^1]``, ``[^2]``."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="paragraphs")
    key = models.CharField(max_length=120)
    section = models.CharField(max_length=40)
    position = models.PositiveIntegerField()
    numbered = models.BooleanField(default=True)
    generated = models.TextField()
    text = models.TextField()
    edited = models.BooleanField(default=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Raised at every change of ``text``: an edit names the revision it was based on, and one based on
    #: an older revision is refused (optimistic locking: two editors never overwrite each other).
    revision = models.PositiveIntegerField(default=1)
    figures = models.JSONField(default=list)
    #: An excerpt's citation: contribution public id, organization, language, question.
    excerpt = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="paragraph_key_once")]

    def __str__(self) -> str:
        return f"{self.key} of report {self.report_id}"


class ReportVersion(models.Model):
    """A snapshot of a report's paragraphs after each generation, edit, review step or freeze."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(max_length=300)
    snapshot = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_once")]

    def __str__(self) -> str:
        return f"version {self.number} of report {self.report_id}"


class Comment(models.Model):
    """A public comment on a paragraph of a draft, shown once a moderator approves it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    paragraph_number = models.PositiveIntegerField(_("paragraph"))
    name = models.CharField(_("name"), max_length=200)
    text = models.TextField(_("comment"))
    state = models.CharField(max_length=10, choices=CommentState, default="pending")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paragraph_number", "id"]

    def __str__(self) -> str:
        return f"comment on paragraph {self.paragraph_number}"
