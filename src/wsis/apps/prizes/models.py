"""Prize cycles, entries, expert review, nominees, votes and the ballot log. Thin: rules live in ``domain``.

The public ballot log (:class:`BallotEntry`) holds no account; the private side of a vote (:class:`Vote`:
address, user agent, account age) is kept for the anomaly rules and never published."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wsis.apps.prizes.enums import DEFAULT_RUBRIC, FlagStatus, Phase


def _default_rubric() -> list[dict]:
    return [dict(item) for item in DEFAULT_RUBRIC]


def _new_secret() -> str:
    return secrets.token_hex(32)


class Cycle(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    # Phase dates: a phase is open from its *_opens to its *_closes (closes excluded).
    submission_opens = models.DateTimeField()
    submission_closes = models.DateTimeField()
    review_opens = models.DateTimeField()
    review_closes = models.DateTimeField()
    voting_opens = models.DateTimeField()
    voting_closes = models.DateTimeField()
    selection_opens = models.DateTimeField()
    selection_closes = models.DateTimeField()
    results_opens = models.DateTimeField()
    results_closes = models.DateTimeField()
    # Eligibility, configurable per cycle.
    one_per_organization = models.BooleanField(_("one project per organization per category"), default=True)
    exclude_past_winners = models.BooleanField(_("past winners excluded"), default=True)
    require_completed = models.BooleanField(_("completed project or major phase ended"), default=True)
    summary_min_words = models.PositiveSmallIntegerField(default=150)
    summary_max_words = models.PositiveSmallIntegerField(default=200)
    # Review and nominees.
    rubric = models.JSONField(_("rubric"), default=_default_rubric)
    min_reviews = models.PositiveSmallIntegerField(_("submitted reviews needed for a nominee"), default=2)
    nominees_per_category = models.PositiveSmallIntegerField(_("nominees per category"), default=10)
    min_nominee_score = models.FloatField(_("minimum mean score (share of the maximum)"), default=0.5)
    # Voting.
    champions = models.PositiveSmallIntegerField(_("champions per category"), default=5)
    full_ballot = models.BooleanField(_("a ballot must cover all 18 categories"), default=False)
    pow_bits = models.PositiveSmallIntegerField(_("proof-of-work difficulty (bits)"), default=16)
    rate_account = models.PositiveIntegerField(_("ballots per account per minute"), default=30)
    rate_ip = models.PositiveIntegerField(_("ballots per IP address per minute"), default=120)
    rate_network = models.PositiveIntegerField(_("ballots per network per minute"), default=600)
    anomaly_thresholds = models.JSONField(_("anomaly thresholds"), default=dict, blank=True)
    ballot_secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("prize cycle")

    def __str__(self) -> str:
        return f"WSIS Prizes {self.year}"

    def opens(self, phase: str):
        return getattr(self, f"{phase}_opens")

    def closes(self, phase: str):
        return getattr(self, f"{phase}_closes")


class PhaseChange(models.Model):
    """A moderator's change to a phase date, with its reason: the public log of extensions."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phase_changes")
    phase = models.CharField(max_length=12, choices=Phase)
    edge = models.CharField(max_length=6)  # "opens" or "closes"
    old = models.DateTimeField()
    new = models.DateTimeField()
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.phase} {self.edge} {self.new:%Y-%m-%d}"


class Submission(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="submissions")
    category = models.ForeignKey(
        "reference.ActionLine", on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    initiative = models.ForeignKey(
        "registry.Initiative", on_delete=models.PROTECT, related_name="prize_entries"
    )
    # Copied from the initiative so that the database can see "one per organization" and past winners.
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language of the summary"), max_length=2, default="en")
    summary = models.JSONField(_("summary"), default=dict)  # {language: 150-200 words}
    sdg_link = models.TextField(_("link between the action line and the SDGs"))
    impact_qualitative = models.TextField(_("qualitative impact"))
    impact_quantitative = models.TextField(_("quantitative impact"))
    partnerships = models.TextField(_("partnerships"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    future_plans = models.TextField(_("future plans"), blank=True)
    # For an ongoing initiative: the entrants state that a major phase has ended (eligibility rule).
    major_phase_completed = models.BooleanField(_("a major phase of the project has ended"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category__prize_category", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "category", "initiative"], name="prize_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.category_id} {self.initiative}"


class ConflictDeclaration(models.Model):
    """An expert declares a link with an organization; it blocks reviewing that organization's entries."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("nature of the link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "reviewer", "organization"], name="conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} ~ {self.organization_id}"


class ReviewerAssignment(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reviewers")
    category = models.ForeignKey("reference.ActionLine", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prize_reviews"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "category", "reviewer"], name="reviewer_once")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} reviews {self.category_id}"


class Review(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(default=dict)  # {criterion key: score}
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "reviewer"], name="review_once")]

    def __str__(self) -> str:
        return f"review of {self.submission_id} by {self.reviewer_id}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.scores.values())


class Nominee(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="nominees")
    category = models.PositiveSmallIntegerField()  # prize category 1-18
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="nominee")
    score = models.FloatField()  # mean share of the rubric maximum, 0-1
    rank = models.PositiveSmallIntegerField()
    is_champion = models.BooleanField(default=False)
    votes = models.PositiveIntegerField(null=True, blank=True)  # from the last tally
    is_winner = models.BooleanField(default=False)
    winner_reason = models.TextField(blank=True)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["category", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "category"],
                condition=models.Q(is_winner=True),
                name="one_winner_per_category",
            )
        ]

    def __str__(self) -> str:
        return f"nominee {self.pk} in category {self.category}"

    @property
    def public_id(self) -> str:
        """The nominee as the ballot log names it."""
        return str(self.pk)


class Vote(models.Model):
    """One ballot in one category: private. The database refuses a second one (the issue's core rule)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="votes")
    category = models.PositiveSmallIntegerField()
    nominee = models.ForeignKey(Nominee, on_delete=models.PROTECT, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="prize_votes")
    seq = models.PositiveIntegerField()  # its entry in the public ballot log
    at = models.DateTimeField()
    ip = models.GenericIPAddressField()
    user_agent = models.CharField(max_length=500, blank=True)
    account_created = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "category", "voter"], name="one_vote_per_category"),
            models.UniqueConstraint(fields=["cycle", "seq"], name="vote_seq_once"),
        ]

    def __str__(self) -> str:
        return f"ballot {self.seq} of cycle {self.cycle_id}"


class BallotHead(models.Model):
    """The last entry of a cycle's log. Every vote locks this row, which serialises the chain."""

    cycle = models.OneToOneField(Cycle, primary_key=True, on_delete=models.CASCADE, related_name="head")
    seq = models.PositiveIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head {self.seq} {self.hash[:12]}"


class BallotEntry(models.Model):
    """The public, anonymised, hash-chained log (see wsis.engine.prizes.ballot_log)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="ballot_entries")
    seq = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64)
    category = models.PositiveSmallIntegerField()
    nominee = models.CharField(max_length=20)
    voter = models.CharField(max_length=64)
    at = models.CharField(max_length=32)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["cycle", "seq"]
        constraints = [models.UniqueConstraint(fields=["cycle", "seq"], name="ballot_seq_once")]

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"


class VoteFlag(models.Model):
    """What an anomaly rule found, for moderators. Flagged ballots stay in the log and in the count until a
    moderator confirms them invalid; then they are counted apart, and listed with the results."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="flags")
    rule = models.CharField(max_length=30)
    key = models.CharField(max_length=200)
    detail = models.TextField()
    seqs = models.JSONField(default=list)  # ballot-log seqs of the flagged ballots
    status = models.CharField(max_length=10, choices=FlagStatus, default=FlagStatus.OPEN)
    reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "rule", "key"]
        constraints = [models.UniqueConstraint(fields=["cycle", "rule", "key"], name="flag_once")]

    def __str__(self) -> str:
        return f"{self.rule} {self.key}"


class RateCounter(models.Model):
    """Shared by all server processes (a per-process cache would let each worker count on its own)."""

    key = models.CharField(max_length=120)
    slot = models.BigIntegerField()  # minute since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "slot"], name="rate_slot_once")]

    def __str__(self) -> str:
        return f"{self.key}@{self.slot}"
