"""Entering an initiative of the registry into one prize category, with the eligibility rules of the cycle.

Every refusal names the rule, so the entrant knows what to change; all failing rules are reported at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wsis.apps.prizes.domain.errors import Ineligible
from wsis.apps.prizes.domain.phases import require_open
from wsis.apps.prizes.enums import Phase
from wsis.apps.prizes.models import Cycle, Nominee, Submission
from wsis.apps.reference.models import ActionLine
from wsis.apps.registry.enums import ActivityStatus, State
from wsis.apps.registry.models import Initiative
from wsis.engine.prizes.words import count_words

TEXT_FIELDS = [
    "sdg_link",
    "impact_qualitative",
    "impact_quantitative",
    "partnerships",
    "challenges",
    "future_plans",
]


@dataclass
class Entry:
    """What an entrant fills in."""

    category: int  # prize category 1-18
    summary: str
    language: str = "en"
    sdg_link: str = ""
    impact_qualitative: str = ""
    impact_quantitative: str = ""
    partnerships: str = ""
    challenges: str = ""
    future_plans: str = ""
    major_phase_completed: bool = False
    translations: dict[str, str] = field(default_factory=dict)  # other languages of the summary


def categories():
    """The 18 prize categories: the action lines that carry a prize category number."""
    return ActionLine.objects.filter(prize_category__isnull=False).order_by("prize_category")


def category_line(number: int) -> ActionLine:
    try:
        return ActionLine.objects.get(prize_category=number)
    except ActionLine.DoesNotExist:
        raise Ineligible(
            _("There is no prize category %(n)s (categories are 1 to 18).") % {"n": number}
        ) from None


def summary_problems(cycle: Cycle, text: str, language: str) -> list[str]:
    words = count_words(text, language)
    if cycle.summary_min_words <= words <= cycle.summary_max_words:
        return []
    return [
        _("The summary in %(lang)s has %(n)s words; it must have %(min)s to %(max)s.")
        % {"lang": language, "n": words, "min": cycle.summary_min_words, "max": cycle.summary_max_words}
    ]


def eligibility_problems(*, cycle: Cycle, initiative: Initiative, entry: Entry, user) -> list[str]:
    """Every rule the entry breaks, as messages (empty: eligible)."""
    problems: list[str] = []
    line = category_line(entry.category)
    if not initiative.organization.members.filter(user=user).exists():
        problems.append(
            _("Only members of %(org)s can enter its initiatives.") % {"org": initiative.organization}
        )
    if initiative.state != State.PUBLISHED:
        problems.append(_("Only initiatives published in the stocktaking registry can be entered."))
    if not initiative.action_lines.filter(code=line.code).exists():
        problems.append(
            _("The initiative is not registered under action line %(line)s, the line of category %(n)s.")
            % {"line": line.code, "n": entry.category}
        )
    if cycle.one_per_organization:
        taken = Submission.objects.filter(cycle=cycle, category=line, organization=initiative.organization)
        if taken.exclude(initiative=initiative).exists():
            problems.append(
                _(
                    "%(org)s already has a project in category %(n)s this cycle: "
                    "one project per organization per category."
                )
                % {"org": initiative.organization, "n": entry.category}
            )
    if Submission.objects.filter(cycle=cycle, category=line, initiative=initiative).exists():
        problems.append(_("This initiative is already entered in category %(n)s.") % {"n": entry.category})
    if cycle.exclude_past_winners:
        won = Nominee.objects.filter(
            submission__initiative=initiative, is_winner=True, cycle__year__lt=cycle.year
        )
        if won.exists():
            year = won.order_by("-cycle__year").first().cycle.year
            problems.append(
                _("This initiative won a WSIS Prize in %(year)s; past winners are not eligible.")
                % {"year": year}
            )
    if cycle.require_completed and not (
        initiative.activity_status == ActivityStatus.COMPLETED or entry.major_phase_completed
    ):
        problems.append(
            _(
                "The project must be completed, or a major phase of it must have ended "
                "(tick the box and give the evidence in the impact fields)."
            )
        )
    problems += summary_problems(cycle, entry.summary, entry.language)
    for language, text in entry.translations.items():
        if text.strip():
            problems += summary_problems(cycle, text, language)
    for name in ("sdg_link", "impact_qualitative", "impact_quantitative"):
        if not getattr(entry, name).strip():
            problems.append(
                _("The field %(field)s is required.")
                % {"field": Submission._meta.get_field(name).verbose_name}
            )
    return problems


def submit_entry(*, cycle: Cycle, initiative: Initiative, entry: Entry, user) -> Submission:
    require_open(cycle, Phase.SUBMISSION)
    problems = eligibility_problems(cycle=cycle, initiative=initiative, entry=entry, user=user)
    if problems:
        raise Ineligible(" ".join(problems))
    summary = {entry.language: entry.summary.strip()}
    summary.update({k: v.strip() for k, v in entry.translations.items() if v.strip()})
    try:
        with transaction.atomic():
            return Submission.objects.create(
                cycle=cycle,
                category=category_line(entry.category),
                initiative=initiative,
                organization=initiative.organization,
                language=entry.language,
                summary=summary,
                submitted_by=user,
                major_phase_completed=entry.major_phase_completed,
                **{name: getattr(entry, name).strip() for name in TEXT_FIELDS},
            )
    except IntegrityError:
        raise Ineligible(
            _("This initiative is already entered in category %(n)s.") % {"n": entry.category}
        ) from None
