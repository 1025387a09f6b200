"""Expert review: conflicts of interest block assignments, scoring is blind until submitted, nominees
come from the scores with the cycle's rules."""

from __future__ import annotations

import pytest

from tests.prizes.cast import in_phase, initiative, prize_entry
from tests.registry.factories import user
from wsis.apps.accounts.domain.organizations import add_member, create_organization
from wsis.apps.prizes.domain.errors import NotAllowed, PrizeError
from wsis.apps.prizes.domain.phases import create_cycle
from wsis.apps.prizes.domain.review import (
    assign_reviewer,
    declare_conflict,
    derive_nominees,
    score,
    visible_reviews,
)
from wsis.apps.prizes.domain.submissions import category_line, submit_entry


@pytest.fixture
def entries(db):
    cycle = in_phase(
        create_cycle(year=2026, min_reviews=2, nominees_per_category=2, min_nominee_score=0.5), "submission"
    )
    line = category_line(5).code
    made = []
    for k in range(3):
        owner = user(f"o{k}")
        org = create_organization(creator=owner, name=f"Entrant {k}", stakeholder_type="private")
        made.append(
            submit_entry(
                cycle=cycle, initiative=initiative(org, owner, line), entry=prize_entry(5), user=owner
            )
        )
    in_phase(cycle, "review")
    return cycle, made


def all_scores(cycle, value: int) -> dict[str, int]:
    return {c["key"]: value for c in cycle.rubric}


def test_a_link_with_an_entrant_blocks_the_assignment(entries) -> None:
    cycle, made = entries
    member = user("insider")
    add_member(organization=made[0].organization, user=member, role="editor")
    with pytest.raises(NotAllowed, match="conflict of interest with Entrant 0"):
        assign_reviewer(cycle=cycle, category=5, reviewer=member)
    declared = user("declared")
    declare_conflict(cycle=cycle, reviewer=declared, organization=made[2].organization, note="board member")
    with pytest.raises(NotAllowed, match="Entrant 2"):
        assign_reviewer(cycle=cycle, category=5, reviewer=declared)
    assert assign_reviewer(cycle=cycle, category=4, reviewer=declared)  # no entrant of theirs in category 4


def test_a_conflict_declared_after_assignment_blocks_scoring(entries) -> None:
    cycle, made = entries
    expert = user("expert")
    assign_reviewer(cycle=cycle, category=5, reviewer=expert)
    declare_conflict(cycle=cycle, reviewer=expert, organization=made[1].organization)
    with pytest.raises(NotAllowed, match="declared conflict"):
        score(submission=made[1], reviewer=expert, scores=all_scores(cycle, 5))
    assert score(submission=made[0], reviewer=expert, scores=all_scores(cycle, 5)).submitted_at


def test_scores_follow_the_rubric(entries) -> None:
    cycle, made = entries
    expert = user("expert")
    assign_reviewer(cycle=cycle, category=5, reviewer=expert)
    with pytest.raises(PrizeError, match="exactly the criteria"):
        score(submission=made[0], reviewer=expert, scores={"impact": 5})
    with pytest.raises(PrizeError, match="from 0 to 10"):
        score(submission=made[0], reviewer=expert, scores=all_scores(cycle, 11))


def test_review_is_blind_until_submitted(entries) -> None:
    cycle, made = entries
    a, b = user("expert_a"), user("expert_b")
    for expert in (a, b):
        assign_reviewer(cycle=cycle, category=5, reviewer=expert)
    score(submission=made[0], reviewer=a, scores=all_scores(cycle, 9))
    assert visible_reviews(submission=made[0], user=b) == []
    draft = score(submission=made[0], reviewer=b, scores=all_scores(cycle, 4), final=False)
    assert visible_reviews(submission=made[0], user=b) == [draft]  # a draft does not unblind
    score(submission=made[0], reviewer=b, scores=all_scores(cycle, 4))
    assert {r.reviewer for r in visible_reviews(submission=made[0], user=b)} == {a, b}
    with pytest.raises(NotAllowed, match="can no longer change"):
        score(submission=made[0], reviewer=b, scores=all_scores(cycle, 10))


def test_review_blindness_on_the_page(entries, client) -> None:
    cycle, made = entries
    a, b = user("expert_a"), user("expert_b")
    for expert in (a, b):
        assign_reviewer(cycle=cycle, category=5, reviewer=expert)
    score(submission=made[0], reviewer=a, scores=all_scores(cycle, 9))
    client.force_login(b)
    page = client.get(f"/en/prizes/{cycle.year}/review/").content.decode()
    assert "expert_a" not in page
    form = {
        "submission": made[0].pk,
        "final": "1",
        "comment": "solid",
        **{f"score_{c['key']}": 3 for c in cycle.rubric},
    }
    client.post(f"/en/prizes/{cycle.year}/review/", form)
    assert "expert_a" in client.get(f"/en/prizes/{cycle.year}/review/").content.decode()


def test_nominees_from_scores(entries) -> None:
    cycle, made = entries
    a, b = user("expert_a"), user("expert_b")
    for expert in (a, b):
        assign_reviewer(cycle=cycle, category=5, reviewer=expert)
    for submission, (va, vb) in zip(made, [(8, 6), (9, 9), (3, 4)], strict=True):
        score(submission=submission, reviewer=a, scores=all_scores(cycle, va))
        score(submission=submission, reviewer=b, scores=all_scores(cycle, vb))
    found = derive_nominees(cycle=cycle)
    # made[2] has a mean of 0.35 of the maximum, under the cycle's 0.5; the others rank by their mean.
    assert [n.submission for n in found[5]] == [made[1], made[0]]
    assert [n.rank for n in found[5]] == [1, 2]
    assert found[5][0].score == pytest.approx(0.9)
