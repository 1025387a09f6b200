"""Entering initiatives: eligibility rules of the cycle, each refusal with a message naming the rule."""

from __future__ import annotations

import pytest

from tests.prizes.cast import in_phase, initiative, prize_entry, summary
from tests.registry.factories import user
from wsis.apps.accounts.domain.organizations import create_organization
from wsis.apps.prizes.domain.errors import Ineligible, PhaseClosed
from wsis.apps.prizes.domain.phases import create_cycle, move_date
from wsis.apps.prizes.domain.submissions import category_line, submit_entry
from wsis.apps.prizes.models import Nominee, Submission


@pytest.fixture
def setup(db):
    owner = user("entrant")
    org = create_organization(creator=owner, name="Rural Connect", stakeholder_type="civil_society")
    cycle = in_phase(create_cycle(year=2026), "submission")
    line = category_line(3).code
    return cycle, owner, org, line


def test_an_eligible_entry_is_accepted(setup) -> None:
    cycle, owner, org, line = setup
    item = initiative(org, owner, line)
    submission = submit_entry(cycle=cycle, initiative=item, entry=prize_entry(3), user=owner)
    assert submission.organization == org and submission.category.prize_category == 3
    assert submission.summary == {"en": summary()}


def test_one_project_per_organization_per_category(setup) -> None:
    cycle, owner, org, line = setup
    first, second = initiative(org, owner, line), initiative(org, owner, line, title={"en": "Second"})
    submit_entry(cycle=cycle, initiative=first, entry=prize_entry(3), user=owner)
    with pytest.raises(Ineligible, match="already has a project in category 3"):
        submit_entry(cycle=cycle, initiative=second, entry=prize_entry(3), user=owner)
    cycle.one_per_organization = False
    cycle.save()
    assert submit_entry(cycle=cycle, initiative=second, entry=prize_entry(3), user=owner).pk


def test_past_winners_are_excluded(setup) -> None:
    cycle, owner, org, line = setup
    item = initiative(org, owner, line)
    old = in_phase(create_cycle(year=2025), "results")
    past = Submission.objects.create(
        cycle=old,
        category=category_line(3),
        initiative=item,
        organization=org,
        summary={"en": "x"},
        sdg_link="x",
        impact_qualitative="x",
        impact_quantitative="x",
        submitted_by=owner,
    )
    Nominee.objects.create(cycle=old, category=3, submission=past, score=0.9, rank=1, is_winner=True)
    with pytest.raises(Ineligible, match="won a WSIS Prize in 2025"):
        submit_entry(cycle=cycle, initiative=item, entry=prize_entry(3), user=owner)


def test_the_project_must_be_completed_or_a_major_phase_ended(setup) -> None:
    cycle, owner, org, line = setup
    ongoing = initiative(org, owner, line, activity_status="ongoing")
    with pytest.raises(Ineligible, match="must be completed"):
        submit_entry(cycle=cycle, initiative=ongoing, entry=prize_entry(3), user=owner)
    assert submit_entry(
        cycle=cycle, initiative=ongoing, entry=prize_entry(3, major_phase_completed=True), user=owner
    )


def test_summary_length_per_language(setup) -> None:
    cycle, owner, org, line = setup
    item = initiative(org, owner, line)
    with pytest.raises(Ineligible, match="in en has 120 words; it must have 150 to 200"):
        submit_entry(cycle=cycle, initiative=item, entry=prize_entry(3, summary=summary(120)), user=owner)
    chinese = "我们的合作社为农村学校和诊所建设社区网络" * 16  # 20 characters x 16 = 320 = 160 words
    with pytest.raises(Ineligible, match="in zh has 250 words"):
        submit_entry(
            cycle=cycle,
            initiative=item,
            user=owner,
            entry=prize_entry(3, translations={"zh": chinese + chinese[:180]}),
        )
    ok = submit_entry(
        cycle=cycle, initiative=item, entry=prize_entry(3, translations={"zh": chinese}), user=owner
    )
    assert set(ok.summary) == {"en", "zh"}


def test_other_rules_and_all_problems_at_once(setup) -> None:
    cycle, owner, org, line = setup
    stranger = user("stranger")
    draft = initiative(org, owner, line)
    draft.state = "draft"
    draft.save()
    with pytest.raises(Ineligible) as refused:
        submit_entry(cycle=cycle, initiative=draft, entry=prize_entry(4, summary="too short"), user=stranger)
    message = str(refused.value)
    for part in (
        "Only members of Rural Connect",
        "Only initiatives published",
        "not registered under action line",
        "has 2 words",
    ):
        assert part in message


def test_submissions_follow_the_calendar_and_extensions_are_logged(setup) -> None:
    cycle, owner, org, line = setup
    item = initiative(org, owner, line)
    in_phase(cycle, "review")
    with pytest.raises(PhaseClosed, match="Submission phase of the 2026 cycle is not open"):
        submit_entry(cycle=cycle, initiative=item, entry=prize_entry(3), user=owner)
    moderator = user("mod")
    change = move_date(
        cycle=cycle,
        phase="submission",
        edge="closes",
        when=cycle.review_closes,
        reason="Extended by two days after a server outage",
        actor=moderator,
    )
    assert change.reason.startswith("Extended") and change.old < change.new
    assert submit_entry(cycle=cycle, initiative=item, entry=prize_entry(3), user=owner)
