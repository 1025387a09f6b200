"""REST API of the WSIS Forum (django-ninja), read-only and public: what the Forum publishes - editions
with a published programme, the programme's sessions (filtered as on the programme page), outcome
statements, statistics and the summary of a closed consultation. Nothing else is reachable: an edition
whose programme is unpublished, a session not accepted, or a consultation still open answers 404, and a
moderated-out comment never counts."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from wsis.apps.forum.domain import ForumError, consultations, outcomes, sessions, statistics
from wsis.apps.forum.models import Consultation, Edition, Session

router = Router(tags=["forum"])
ERRORS = {400: dict[str, str], 404: dict[str, str]}


class EditionOut(Schema):
    year: int
    title: str
    venue: str
    time_zone: str
    starts_on: dt.date
    ends_on: dt.date
    rooms: list[str]
    programme_published_at: dt.datetime


class SpeakerOut(Schema):
    name: str
    organization: str
    stakeholder_type: str
    country: str | None


class OrganizerOut(Schema):
    name: str
    stakeholder_type: str
    country: str | None


class SessionOut(Schema):
    id: int
    title: str
    description: str
    type: str
    action_lines: list[str]
    sdg_targets: list[str]
    organizers: list[OrganizerOut]
    speakers: list[SpeakerOut]
    languages: list[str]
    starts_at: dt.datetime  # Geneva time, with its offset
    ends_at: dt.datetime
    room: str
    outcome: str | None  # the outcome statement's id, when one is published


class ProgrammeOut(Schema):
    edition: int
    filters: dict[str, str]
    sessions: list[SessionOut]


class OutcomeOut(Schema):
    id: UUID
    session: int
    session_title: str
    edition: int
    action_lines: list[str]
    language: str
    text: str
    published_at: dt.datetime
    updated_at: dt.datetime


class StatisticRow(Schema):
    measure: str
    dimension: str
    key: str
    label: str
    count: int


class StatisticsOut(Schema):
    edition: int
    sessions: int
    speakers: int
    rows: list[StatisticRow]


class ParagraphSummaryOut(Schema):
    number: int
    text: str
    comments: int
    by_language: dict[str, int]
    by_stakeholder_type: dict[str, int]


class SummaryOut(Schema):
    consultation: int
    title: str
    closed_at: dt.datetime
    paragraphs: list[ParagraphSummaryOut]


class ProgrammeFilters(Schema):
    day: str = ""
    type: str = ""
    line: str = ""
    language: str = ""
    stakeholder: str = ""


#: Ids and years beyond the database's integers are no row: answered 404 before a query overflows.
LARGEST = 2**31 - 1


def _in_range(number: int, what: str) -> int:
    if not 0 < number <= LARGEST:
        raise HttpError(404, f"no {what} {number}")
    return number


def _published_edition(year: int) -> Edition:
    edition = Edition.objects.filter(
        year=_in_range(year, "edition"), programme_published_at__isnull=False
    ).first()
    if edition is None:
        raise HttpError(404, f"no published programme for {year}")
    return edition


def _edition(edition: Edition) -> dict[str, Any]:
    return {
        "year": edition.year,
        "title": edition.title,
        "venue": edition.venue,
        "time_zone": edition.time_zone,
        "starts_on": edition.starts_on,
        "ends_on": edition.ends_on,
        "rooms": edition.rooms,
        "programme_published_at": edition.programme_published_at,
    }


def _session(session: Session, outcome_ids: dict[int, UUID]) -> dict[str, Any]:
    edition = session.edition
    return {
        "id": session.pk,
        "title": session.title,
        "description": session.description,
        "type": session.kind,
        "action_lines": [line.code for line in session.action_lines.all()],
        "sdg_targets": [t.code for t in session.sdg_targets.all()],
        "organizers": [
            {"name": o.name, "stakeholder_type": o.stakeholder_type, "country": o.country_id}
            for o in session.organizers.all()
        ],
        "speakers": [
            {
                "name": s.name,
                "organization": s.organization_name,
                "stakeholder_type": s.stakeholder_type,
                "country": s.country_id,
            }
            for s in session.speakers.all()
        ],
        "languages": session.languages,
        "starts_at": sessions.local(session.starts_at, edition),
        "ends_at": sessions.local(session.ends_at, edition),
        "room": session.room,
        "outcome": str(outcome_ids[session.pk]) if session.pk in outcome_ids else None,
    }


@router.get("/editions", response=list[EditionOut], summary="Forum editions with a published programme")
def edition_list(request: HttpRequest):
    return [_edition(e) for e in Edition.objects.filter(programme_published_at__isnull=False)]


@router.get("/editions/{year}", response={200: EditionOut, **ERRORS}, summary="One edition")
def edition_detail(request: HttpRequest, year: int):
    return _edition(_published_edition(year))


@router.get(
    "/editions/{year}/programme",
    response={200: ProgrammeOut, **ERRORS},
    summary="The published programme, filtered as on the programme page",
)
def programme(request: HttpRequest, year: int, filters: Query[ProgrammeFilters]):
    """Accepted sessions of a published programme, by start time; ``day`` (YYYY-MM-DD), ``type``,
    ``line`` (a line covers its sub-lines), ``language`` and ``stakeholder`` (of an organizer) filter
    it. An unknown filter value is a 400 naming it. Speakers' declared gender is not given here: only
    the statistics count it."""
    edition = _published_edition(year)
    try:
        parsed = sessions.Filters.parse(filters.dict(), edition)
    except ForumError as exc:
        raise HttpError(400, str(exc)) from exc
    found = list(
        sessions.programme(edition=edition, filters=parsed).prefetch_related(
            "sdg_targets", "organizers__country"
        )
    )
    outcome_ids = dict(
        outcomes.published().filter(session__in=[s.pk for s in found]).values_list("session_id", "public_id")
    )
    return {
        "edition": edition.year,
        "filters": parsed.as_query(),
        "sessions": [_session(s, outcome_ids) for s in found],
    }


@router.get(
    "/editions/{year}/statistics",
    response={200: StatisticsOut, **ERRORS},
    summary="Sessions and speakers by stakeholder type, region and declared gender",
)
def edition_statistics(request: HttpRequest, year: int):
    stats = statistics.edition_statistics(edition=_published_edition(year))
    return {
        "edition": year,
        "sessions": stats.sessions,
        "speakers": stats.speakers,
        "rows": [r.__dict__ for r in stats.rows],
    }


@router.get(
    "/sessions/{session_id}/outcome",
    response={200: OutcomeOut, **ERRORS},
    summary="A published session's outcome statement",
)
def session_outcome(request: HttpRequest, session_id: int):
    outcome = outcomes.published().filter(session_id=_in_range(session_id, "session")).first()
    if outcome is None:
        raise HttpError(404, f"no published outcome statement for session {session_id}")
    session = outcome.session
    return {
        "id": outcome.public_id,
        "session": session.pk,
        "session_title": session.title,
        "edition": session.edition.year,
        "action_lines": [line.code for line in session.action_lines.all()],
        "language": outcome.language,
        "text": outcome.text,
        "published_at": outcome.published_at,
        "updated_at": outcome.updated_at,
    }


@router.get(
    "/consultations/{consultation_id}/summary",
    response={200: SummaryOut, **ERRORS},
    summary="The published summary of a closed consultation",
)
def consultation_summary(request: HttpRequest, consultation_id: int):
    """Per paragraph, the count of the comments that were not moderated out, by language and by the
    commenters' stakeholder type ("" not stated). Published at the close: before it, 404."""
    consultation = Consultation.objects.filter(pk=_in_range(consultation_id, "consultation")).first()
    if consultation is None or not consultations.is_closed(consultation):
        raise HttpError(404, f"no published summary for consultation {consultation_id}")
    return {
        "consultation": consultation.pk,
        "title": consultation.title,
        "closed_at": consultation.closes_at,
        "paragraphs": [
            {
                "number": item.paragraph.number,
                "text": item.paragraph.text,
                "comments": item.comments,
                "by_language": dict(item.by_language),
                "by_stakeholder_type": dict(item.by_stakeholder),
            }
            for item in consultations.summary(consultation)
        ],
    }
