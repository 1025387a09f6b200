"""Who may do what at the WSIS Forum (django-rules). Builds on the accounts predicates: members of an
organization submit and edit its sessions until the review; forum organizers, the secretariat and admins
review and publish; moderators (and the same reviewers) moderate consultation comments."""

from __future__ import annotations

import rules

from wsis.apps.accounts.rules import is_admin, is_moderator, is_org_member, is_secretariat
from wsis.apps.forum.enums import SessionState


@rules.predicate
def is_forum_organizer(user) -> bool:
    from wsis.apps.forum.models import ForumOrganizer

    return bool(user.is_authenticated and ForumOrganizer.objects.filter(user=user).exists())


@rules.predicate
def is_session_member(user, session) -> bool:
    return session is not None and is_org_member(user, session.organization)


@rules.predicate
def is_under_review(user, session) -> bool:
    return session is not None and session.state == SessionState.SUBMITTED


@rules.predicate
def is_public_session(user, session) -> bool:
    return (
        session is not None
        and session.state == SessionState.ACCEPTED
        and session.edition.programme_published_at is not None
    )


reviewer = is_forum_organizer | is_secretariat | is_admin
rules.add_perm("forum.review", reviewer)
# Setting up editions and opening or closing consultations: the same organizing team.
rules.add_perm("forum.organize", reviewer)
rules.add_perm("forum.submit_for", is_org_member)
rules.add_perm("forum.view_session", is_public_session | is_session_member | reviewer)
rules.add_perm("forum.edit_session", (is_session_member & is_under_review) | reviewer)
rules.add_perm("forum.write_outcome", is_session_member | reviewer)
rules.add_perm("forum.moderate", is_moderator | reviewer)
