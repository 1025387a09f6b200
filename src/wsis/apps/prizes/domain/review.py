"""Expert review: reviewers per category, conflicts of interest, blind scoring, nominees from the scores."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.apps.accounts.models import Organization
from wsis.apps.prizes.domain.errors import NotAllowed, PrizeError
from wsis.apps.prizes.domain.phases import require_open
from wsis.apps.prizes.domain.submissions import category_line
from wsis.apps.prizes.enums import Phase
from wsis.apps.prizes.models import (
    ConflictDeclaration,
    Cycle,
    Nominee,
    Review,
    ReviewerAssignment,
    Submission,
    Vote,
)


def linked_organizations(*, cycle: Cycle, reviewer) -> set[int]:
    """Organizations the reviewer belongs to or declared a link with."""
    members = set(Organization.objects.filter(members__user=reviewer).values_list("pk", flat=True))
    declared = set(
        ConflictDeclaration.objects.filter(cycle=cycle, reviewer=reviewer).values_list(
            "organization_id", flat=True
        )
    )
    return members | declared


def declare_conflict(
    *, cycle: Cycle, reviewer, organization: Organization, note: str = ""
) -> ConflictDeclaration:
    return ConflictDeclaration.objects.get_or_create(
        cycle=cycle, reviewer=reviewer, organization=organization, defaults={"note": note}
    )[0]


def assign_reviewer(*, cycle: Cycle, category: int, reviewer) -> ReviewerAssignment:
    """Refused when the reviewer is linked with an organization that has an entry in the category."""
    line = category_line(category)
    linked = linked_organizations(cycle=cycle, reviewer=reviewer)
    clash = Submission.objects.filter(cycle=cycle, category=line, organization_id__in=linked).select_related(
        "organization"
    )
    if clash.exists():
        names = ", ".join(sorted({s.organization.name for s in clash}))
        raise NotAllowed(
            _(
                "%(user)s cannot review category %(n)s: a conflict of interest with %(orgs)s, "
                "which has an entry there."
            )
            % {"user": reviewer.get_username(), "n": category, "orgs": names}
        )
    return ReviewerAssignment.objects.get_or_create(cycle=cycle, category=line, reviewer=reviewer)[0]


def can_review(*, submission: Submission, reviewer) -> bool:
    assigned = ReviewerAssignment.objects.filter(
        cycle=submission.cycle, category=submission.category, reviewer=reviewer
    ).exists()
    return assigned and submission.organization_id not in linked_organizations(
        cycle=submission.cycle, reviewer=reviewer
    )


def score(
    *, submission: Submission, reviewer, scores: dict[str, int], comment: str = "", final: bool = True
) -> Review:
    """Save a reviewer's scores; ``final`` submits them, after which they can no longer change."""
    require_open(submission.cycle, Phase.REVIEW)
    if not can_review(submission=submission, reviewer=reviewer):
        raise NotAllowed(_("You are not a reviewer of this entry (not assigned, or a declared conflict)."))
    rubric = {c["key"]: int(c["max"]) for c in submission.cycle.rubric}
    if set(scores) != set(rubric):
        raise PrizeError(_("Scores must cover exactly the criteria: %(keys)s.") % {"keys": ", ".join(rubric)})
    for key, value in scores.items():
        if not isinstance(value, int) or not 0 <= value <= rubric[key]:
            raise PrizeError(
                _("The score for %(key)s must be a whole number from 0 to %(max)s.")
                % {"key": key, "max": rubric[key]}
            )
    with transaction.atomic():
        review, _created = Review.objects.select_for_update().get_or_create(
            submission=submission, reviewer=reviewer
        )
        if review.submitted_at is not None:
            raise NotAllowed(_("This review was submitted and can no longer change."))
        review.scores = scores
        review.comment = comment
        review.submitted_at = timezone.now() if final else None
        review.save()
    return review


def visible_reviews(*, submission: Submission, user, moderator: bool = False) -> list[Review]:
    """Blind review: a reviewer sees only their own review until they submit it; then every submitted one."""
    reviews = Review.objects.filter(submission=submission).select_related("reviewer").order_by("pk")
    if moderator:
        return list(reviews)
    own = reviews.filter(reviewer=user).first()
    if own is None or own.submitted_at is None:
        return [own] if own else []
    return list(reviews.filter(Q(submitted_at__isnull=False) | Q(reviewer=user)))


def mean_score(submission: Submission) -> tuple[float, int]:
    """Mean share of the rubric maximum over submitted reviews, and their number."""
    maximum = sum(int(c["max"]) for c in submission.cycle.rubric) or 1
    done = [r for r in submission.reviews.all() if r.submitted_at is not None]
    if not done:
        return 0.0, 0
    return sum(r.total for r in done) / (maximum * len(done)), len(done)


def derive_nominees(*, cycle: Cycle) -> dict[int, list[Nominee]]:
    """The nominee list per category: entries with enough submitted reviews and a mean score at least the
    cycle's minimum, best first (ties by entry order), at most ``nominees_per_category``."""
    if Vote.objects.filter(cycle=cycle).exists():
        raise NotAllowed(_("Voting has started: the nominee list can no longer change."))
    result: dict[int, list[Nominee]] = {}
    with transaction.atomic():
        Nominee.objects.filter(cycle=cycle).delete()
        submissions = (
            Submission.objects.filter(cycle=cycle)
            .select_related("category", "cycle")
            .prefetch_related("reviews")
        )
        by_category: dict[int, list[tuple[float, int, Submission]]] = {}
        for submission in submissions:
            value, count = mean_score(submission)
            if count >= cycle.min_reviews and value >= cycle.min_nominee_score:
                by_category.setdefault(submission.category.prize_category, []).append(
                    (-value, submission.pk, submission)
                )
        for category, ranked in sorted(by_category.items()):
            ranked.sort(key=lambda item: (item[0], item[1]))
            result[category] = [
                Nominee.objects.create(cycle=cycle, category=category, submission=s, score=-v, rank=rank)
                for rank, (v, _pk, s) in enumerate(ranked[: cycle.nominees_per_category], start=1)
            ]
    return result
