"""Builders for the prize tests: a cycle brought to a phase through the real domain functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from tests.registry.factories import entry, user
from wsis.apps.accounts.domain.organizations import create_organization
from wsis.apps.prizes.domain.phases import create_cycle
from wsis.apps.prizes.domain.review import assign_reviewer, derive_nominees, score
from wsis.apps.prizes.domain.submissions import Entry, category_line, submit_entry
from wsis.apps.prizes.models import Cycle, Nominee

SENTENCE = (
    "Our cooperative connects rural schools and clinics with community networks built and run by local "
    "technicians, who train teachers, nurses and young people to use the links for learning and care. "
)


def summary(words: int = 160) -> str:
    pool = SENTENCE.split()
    return " ".join(pool[i % len(pool)] for i in range(words))


def initiative(org, owner, line_code: str, **overrides):
    data = {"action_lines": [line_code], "activity_status": "completed", **overrides}
    return entry(org, owner, "published", **data)


def prize_entry(category: int, **overrides) -> Entry:
    data = {
        "category": category,
        "summary": summary(),
        "sdg_link": "SDG 4 and 9.c: connectivity for schools.",
        "impact_qualitative": "Teachers use online material every week.",
        "impact_quantitative": "40 schools and 12 clinics connected; 9,000 learners.",
        "partnerships": "Ministry of Education",
    }
    data.update(overrides)
    return Entry(**data)


def in_phase(cycle: Cycle, phase: str) -> Cycle:
    """Move the calendar so that ``phase`` is open now (earlier ones closed), as a moderator would."""
    now = timezone.now()
    order = ["submission", "review", "voting", "selection", "results"]
    index = order.index(phase)
    for i, name in enumerate(order):
        if i < index:
            opens, closes = now - dt.timedelta(days=40 - i * 5), now - dt.timedelta(days=36 - i * 5)
        elif i == index:
            opens, closes = now - dt.timedelta(days=1), now + dt.timedelta(days=10)
        else:
            opens, closes = now + dt.timedelta(days=10 + i), now + dt.timedelta(days=11 + i)
        setattr(cycle, f"{name}_opens", opens)
        setattr(cycle, f"{name}_closes", closes)
    cycle.save()
    return cycle


@dataclass
class Contest:
    cycle: Cycle
    owners: list = field(default_factory=list)
    nominees: dict[int, list[Nominee]] = field(default_factory=dict)


def contest(
    *, year: int = 2026, categories: tuple[int, ...] = (1, 2), per_category: int = 3, **settings
) -> Contest:
    """A cycle in its voting phase with ``per_category`` nominees in each category, each from its own
    organization, reviewed by two experts."""
    cycle = in_phase(create_cycle(year=year, **{"pow_bits": 4, **settings}), "submission")
    result = Contest(cycle=cycle)
    for category in categories:
        line = category_line(category).code
        for k in range(per_category):
            owner = user(f"owner{year}c{category}k{k}")
            org = create_organization(
                creator=owner, name=f"Org {year}-{category}-{k}", stakeholder_type="civil_society"
            )
            item = initiative(org, owner, line, title={"en": f"Project {category}-{k}"})
            submit_entry(cycle=cycle, initiative=item, entry=prize_entry(category), user=owner)
            result.owners.append(owner)
    in_phase(cycle, "review")
    experts = [user(f"expert{year}a"), user(f"expert{year}b")]
    for category in categories:
        for expert in experts:
            assign_reviewer(cycle=cycle, category=category, reviewer=expert)
    for submission in cycle.submissions.all():
        for j, expert in enumerate(experts):
            value = 6 + (submission.pk + j) % 4
            score(submission=submission, reviewer=expert, scores={c["key"]: value for c in cycle.rubric})
    result.nominees = derive_nominees(cycle=cycle)
    in_phase(cycle, "voting")
    cycle.refresh_from_db()
    return result
