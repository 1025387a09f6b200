"""Outcome statements: written by a session's organization (or the reviewers) once the session is
accepted, public at a permanent URL once the programme is, and cited by action line workspaces and the
annual report through :func:`for_action_line`."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from wsis.apps.forum.domain import ForumError
from wsis.apps.forum.enums import LANGUAGES, SessionState
from wsis.apps.forum.models import Outcome, Session


def write_outcome(*, session: Session, text: str, language: str, by) -> Outcome:
    """Publish (or correct) the session's outcome statement; its URL never changes."""
    if session.state != SessionState.ACCEPTED:
        raise ForumError(f"session {session.pk}: only an accepted session has an outcome statement")
    if not text.strip():
        raise ForumError("outcome statement: empty")
    if language not in LANGUAGES:
        raise ForumError(f"outcome statement: language {language!r} not among {', '.join(LANGUAGES)}")
    outcome = Outcome.objects.filter(session=session).first()
    if outcome is None:
        return Outcome.objects.create(
            session=session, text=text.strip(), language=language, author=by, published_at=timezone.now()
        )
    outcome.text, outcome.language, outcome.author = text.strip(), language, by
    outcome.save(update_fields=["text", "language", "author", "updated_at"])
    return outcome


def published() -> QuerySet[Outcome]:
    """Outcomes the public may read: of accepted sessions in a published programme."""
    return Outcome.objects.filter(
        session__state=SessionState.ACCEPTED, session__edition__programme_published_at__isnull=False
    ).select_related("session__edition")


def for_action_line(code: str, year: int | None = None) -> list[Outcome]:
    """The published outcomes of sessions on action line ``code`` (a line covers its sub-lines), of the
    Forum of ``year`` or of every year, oldest session first. Each has ``public_id`` for its URL
    (``forum:outcome``), ``session`` and ``text``."""
    found = published().filter(Q(session__action_lines=code) | Q(session__action_lines__parent=code))
    if year is not None:
        found = found.filter(session__edition__year=year)
    return list(found.distinct().order_by("session__starts_at", "pk"))


def cited_in_workspace(line) -> list[dict]:
    """The outcomes an action line workspace cites (its ``OUTCOME_SOURCES`` hook), newest first: the
    session's title, the outcome's permanent URL in the page's language, and the session's date."""
    found = for_action_line(getattr(line, "code", line))
    return [
        {
            "title": f"{o.session.edition.title}: {o.session.title}",
            "url": reverse("forum:outcome", args=[o.public_id]),
            "date": o.session.starts_at.date().isoformat(),
        }
        for o in reversed(found)
    ]
