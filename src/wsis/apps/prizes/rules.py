"""Who may do what in the prizes (django-rules): moderators run cycles, review flags and select winners;
reviewers score the entries of their categories. Builds on the accounts predicates."""

from __future__ import annotations

import rules

from wsis.apps.accounts.rules import is_admin, is_moderator


@rules.predicate
def is_reviewer(user) -> bool:
    return bool(user.is_authenticated and user.prize_reviews.exists())


rules.add_perm("prizes.moderate", is_moderator | is_admin)
rules.add_perm("prizes.review", is_reviewer)
