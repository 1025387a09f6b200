"""Editions, sessions submitted by stakeholders, their review by the organizers and the published
programme with its filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from wsis.apps.accounts.enums import StakeholderType
from wsis.apps.accounts.models import Organization
from wsis.apps.forum.domain import ForumError
from wsis.apps.forum.domain.editions import submission_refusal
from wsis.apps.forum.enums import LANGUAGES, Gender, SessionState, SessionType
from wsis.apps.forum.models import Edition, Session, Speaker
from wsis.apps.reference.models import ActionLine, Economy, SdgTarget


def create_edition(
    *, year: int, title: str, starts_on: dt.date, ends_on: dt.date, venue: str = ""
) -> Edition:
    if ends_on < starts_on:
        raise ForumError(f"edition {year}: the last day {ends_on} is before the first day {starts_on}")
    if Edition.objects.filter(year=year).exists():
        raise ForumError(f"edition {year} exists already")
    fields = {"venue": venue} if venue else {}
    return Edition.objects.create(year=year, title=title, starts_on=starts_on, ends_on=ends_on, **fields)


@dataclass
class SpeakerData:
    name: str
    organization_name: str
    stakeholder_type: str
    country: str = ""  # ISO3 of the organization's country
    gender: str = ""  # a Gender value, or "" when not declared


@dataclass
class SessionData:
    title: str
    description: str
    kind: str
    action_lines: list[str]
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    languages: list[str]
    sdg_targets: list[str] = field(default_factory=list)
    organizers: list[int] = field(default_factory=list)  # other organizations' ids (the submitter is one)
    speakers: list[SpeakerData] = field(default_factory=list)


def local(value: dt.datetime, edition: Edition) -> dt.datetime:
    return value.astimezone(ZoneInfo(edition.time_zone))


def _check(
    edition: Edition, data: SessionData
) -> tuple[list[ActionLine], list[SdgTarget], list[Organization], list[Economy | None]]:
    problems = []
    if not data.title.strip():
        problems.append("title: empty")
    if not data.description.strip():
        problems.append("description: empty")
    if data.kind not in SessionType.values:
        problems.append(f"type: {data.kind!r} is not one of {', '.join(SessionType.values)}")
    lines = list(ActionLine.objects.filter(code__in=data.action_lines))
    if not data.action_lines:
        problems.append("action lines: name at least one")
    elif missing := sorted(set(data.action_lines) - {line.code for line in lines}):
        problems.append(f"action lines: no line {', '.join(missing)}")
    targets = list(SdgTarget.objects.filter(code__in=data.sdg_targets))
    if missing := sorted(set(data.sdg_targets) - {t.code for t in targets}):
        problems.append(f"SDG targets: no target {', '.join(missing)}")
    organizers = list(Organization.objects.filter(pk__in=data.organizers))
    if missing := sorted(set(data.organizers) - {o.pk for o in organizers}):
        problems.append(f"organizers: no organization {', '.join(map(str, missing))}")
    if not data.languages:
        problems.append("languages: name at least one")
    elif wrong := [code for code in data.languages if code not in LANGUAGES]:
        problems.append(f"languages: {', '.join(wrong)} not among {', '.join(LANGUAGES)}")
    if not data.room.strip():
        problems.append("room: empty")
    elif edition.rooms and data.room.strip() not in edition.rooms:
        problems.append(f"room: {data.room.strip()!r} is not one of {', '.join(edition.rooms)}")
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        problems.append("time: start and end need a time zone")
    else:
        if data.ends_at <= data.starts_at:
            problems.append("time: the session ends before it starts")
        day = local(data.starts_at, edition).date()
        if not edition.starts_on <= day <= edition.ends_on:
            problems.append(f"date: {day} is outside the Forum ({edition.starts_on} to {edition.ends_on})")
    countries = []
    for number, speaker in enumerate(data.speakers, 1):
        if not speaker.name.strip():
            problems.append(f"speaker {number}: name empty")
        if not speaker.organization_name.strip():
            problems.append(f"speaker {number}: organization empty")
        if speaker.stakeholder_type not in StakeholderType.values:
            problems.append(f"speaker {number}: stakeholder type {speaker.stakeholder_type!r} unknown")
        if speaker.gender and speaker.gender not in Gender.values:
            problems.append(f"speaker {number}: gender {speaker.gender!r} unknown")
        country = Economy.objects.filter(iso3=speaker.country).first() if speaker.country else None
        if speaker.country and country is None:
            problems.append(f"speaker {number}: no economy {speaker.country!r}")
        countries.append(country)
    if problems:
        raise ForumError("; ".join(problems))
    return lines, targets, organizers, countries


def _store(session: Session, data: SessionData, checked) -> None:
    lines, targets, organizers, countries = checked
    session.action_lines.set(lines)
    session.sdg_targets.set(targets)
    session.organizers.set({session.organization, *organizers})
    session.speakers.all().delete()
    Speaker.objects.bulk_create(
        Speaker(
            session=session,
            name=s.name.strip(),
            organization_name=s.organization_name.strip(),
            stakeholder_type=s.stakeholder_type,
            country=country,
            gender=s.gender,
            position=number,
        )
        for number, (s, country) in enumerate(zip(data.speakers, countries, strict=True))
    )


def submit_session(*, edition: Edition, organization: Organization, by, data: SessionData) -> Session:
    """A stakeholder's proposal of a session: waits for the organizers' review."""
    if refusal := submission_refusal(edition):
        raise ForumError(refusal)
    checked = _check(edition, data)
    with transaction.atomic():
        session = Session.objects.create(
            edition=edition,
            organization=organization,
            submitted_by=by,
            title=data.title.strip(),
            description=data.description.strip(),
            kind=data.kind,
            languages=list(data.languages),
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            room=data.room.strip(),
        )
        _store(session, data, checked)
    return session


def update_session(*, session: Session, data: SessionData) -> Session:
    checked = _check(session.edition, data)
    with transaction.atomic():
        for name in ("title", "description", "room"):
            setattr(session, name, getattr(data, name).strip())
        session.kind = data.kind
        session.languages = list(data.languages)
        session.starts_at, session.ends_at = data.starts_at, data.ends_at
        session.save()
        _store(session, data, checked)
    return session


def review(*, session: Session, accept: bool, reason: str, by) -> Session:
    """The organizers' decision. A rejection needs its reason; a decided session is not decided again."""
    if session.state != SessionState.SUBMITTED:
        raise ForumError(f"session {session.pk}: already {session.state}")
    if not accept and not reason.strip():
        raise ForumError(f"session {session.pk}: a rejection needs its reason")
    session.state = SessionState.ACCEPTED if accept else SessionState.REJECTED
    session.decision_reason = reason.strip()
    session.reviewed_by = by
    session.reviewed_at = timezone.now()
    session.save(update_fields=["state", "decision_reason", "reviewed_by", "reviewed_at"])
    return session


def publish_programme(*, edition: Edition) -> Edition:
    """The accepted sessions become the public programme (sessions accepted later join it at once)."""
    if not edition.sessions.filter(state=SessionState.ACCEPTED).exists():
        raise ForumError(f"{edition}: no accepted session to publish")
    if edition.programme_published_at is None:
        edition.programme_published_at = timezone.now()
        edition.save(update_fields=["programme_published_at"])
    return edition


@dataclass(frozen=True)
class Filters:
    """The programme's filters, from the query string; unknown values are errors naming the parameter."""

    day: dt.date | None = None
    kind: str = ""
    line: str = ""
    language: str = ""
    stakeholder: str = ""

    @classmethod
    def parse(cls, query, edition: Edition) -> Filters:
        problems = []
        day = None
        if raw := query.get("day", ""):
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                problems.append(f"day: {raw!r} is not a date (YYYY-MM-DD)")
            else:
                if not edition.starts_on <= day <= edition.ends_on:
                    problems.append(f"day: {raw} is not a day of the Forum")
        kind = query.get("type", "")
        if kind and kind not in SessionType.values:
            problems.append(f"type: {kind!r} unknown")
        line = query.get("line", "")
        if line and not ActionLine.objects.filter(code=line).exists():
            problems.append(f"line: {line!r} unknown")
        language = query.get("language", "")
        if language and language not in LANGUAGES:
            problems.append(f"language: {language!r} unknown")
        stakeholder = query.get("stakeholder", "")
        if stakeholder and stakeholder not in StakeholderType.values:
            problems.append(f"stakeholder: {stakeholder!r} unknown")
        if problems:
            raise ForumError("; ".join(problems))
        return cls(day, kind, line, language, stakeholder)

    def as_query(self) -> dict[str, str]:
        pairs = {
            "day": self.day.isoformat() if self.day else "",
            "type": self.kind,
            "line": self.line,
            "language": self.language,
            "stakeholder": self.stakeholder,
        }
        return {k: v for k, v in pairs.items() if v}


def programme(*, edition: Edition, filters: Filters = Filters()) -> QuerySet[Session]:
    """The published programme: accepted sessions, by start time, filtered."""
    if edition.programme_published_at is None:
        return Session.objects.none()
    sessions = edition.sessions.filter(state=SessionState.ACCEPTED)
    if filters.day:
        zone = ZoneInfo(edition.time_zone)
        start = dt.datetime.combine(filters.day, dt.time(), zone)
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
    if filters.kind:
        sessions = sessions.filter(kind=filters.kind)
    if filters.line:
        # A line covers its sub-lines (C7 names C7.a ... C7.h sessions too).
        sessions = sessions.filter(Q(action_lines=filters.line) | Q(action_lines__parent=filters.line))
    if filters.language:
        # JSON list membership in the same way on SQLite and PostgreSQL: a session holds few languages.
        ids = [s.pk for s in sessions.only("pk", "languages") if filters.language in s.languages]
        sessions = sessions.filter(pk__in=ids)
    if filters.stakeholder:
        sessions = sessions.filter(organizers__stakeholder_type=filters.stakeholder)
    return (
        Session.objects.filter(pk__in=sessions.values("pk"))
        .select_related("edition", "organization")
        .prefetch_related("action_lines", "organizers", "speakers")
        .order_by("starts_at", "room", "pk")
    )
