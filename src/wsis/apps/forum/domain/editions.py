"""The organizers set up a Forum edition - year, title, dates, venue, rooms and the window in which
stakeholders submit sessions - and change it later. One check for both, naming every problem at once;
a refusal stores nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from wsis.apps.forum.domain import ForumError
from wsis.apps.forum.models import Edition

#: The Forum has met since 2009; a year far outside is a typing error, not a plan.
FIRST_YEAR, LAST_YEAR = 2009, 2100


@dataclass
class EditionData:
    year: int
    title: str
    starts_on: dt.date
    ends_on: dt.date
    venue: str = ""
    rooms: list[str] = field(default_factory=list)
    submissions_open: bool = True
    submissions_from: dt.datetime | None = None
    submissions_until: dt.datetime | None = None


def _check(data: EditionData, edition: Edition | None) -> list[str]:
    problems = []
    if not FIRST_YEAR <= data.year <= LAST_YEAR:
        problems.append(f"year: {data.year} is not between {FIRST_YEAR} and {LAST_YEAR}")
    elif Edition.objects.filter(year=data.year).exclude(pk=getattr(edition, "pk", None)).exists():
        problems.append(f"year: the {data.year} edition exists already")
    if not data.title.strip():
        problems.append("title: empty")
    if data.ends_on < data.starts_on:
        problems.append(f"dates: the last day {data.ends_on} is before the first day {data.starts_on}")
    elif data.starts_on.year != data.year:
        problems.append(f"dates: the first day {data.starts_on} is not in {data.year}")
    rooms = [r.strip() for r in data.rooms]
    if "" in rooms:
        problems.append("rooms: an empty room name")
    if duplicates := sorted({r for r in rooms if rooms.count(r) > 1}):
        problems.append(f"rooms: {', '.join(duplicates)} named twice")
    opening, closing = data.submissions_from, data.submissions_until
    if opening and closing and closing <= opening:
        problems.append("submission window: it closes before it opens")
    if closing and closing.date() > data.starts_on:
        problems.append("submission window: it closes after the Forum has started")
    return problems


def save_edition(*, data: EditionData, edition: Edition | None = None) -> Edition:
    """Create the edition (``edition`` None) or change it. The year of an edition with sessions stays:
    their times are checked against its dates."""
    problems = _check(data, edition)
    if edition is not None and edition.year != data.year and edition.sessions.exists():
        problems.append(f"year: the {edition.year} edition has sessions; its year stays")
    if edition is not None and edition.sessions.exists():
        zone = ZoneInfo(edition.time_zone)  # session days are Geneva days
        outside = [
            s.title
            for s in edition.sessions.only("title", "starts_at")
            if not data.starts_on <= s.starts_at.astimezone(zone).date() <= data.ends_on
        ]
        if outside:
            problems.append(f"dates: sessions would fall outside the new dates: {'; '.join(outside[:5])}")
    if problems:
        raise ForumError("; ".join(problems))
    with transaction.atomic():
        edition = edition or Edition(year=data.year)
        edition.year = data.year
        edition.title = data.title.strip()
        if data.venue.strip():
            edition.venue = data.venue.strip()
        edition.starts_on, edition.ends_on = data.starts_on, data.ends_on
        edition.rooms = [r.strip() for r in data.rooms]
        edition.submissions_open = data.submissions_open
        edition.submissions_from, edition.submissions_until = data.submissions_from, data.submissions_until
        edition.save()
    return edition


def submission_refusal(edition: Edition, now: dt.datetime | None = None) -> str:
    """Why stakeholders may not submit a session now ("" when they may): the switch is off, or ``now`` is
    outside the window."""
    now = now or timezone.now()
    if not edition.submissions_open:
        return f"{edition}: submissions are closed"
    if edition.submissions_from and now < edition.submissions_from:
        return f"{edition}: submissions open on {edition.submissions_from:%Y-%m-%d %H:%M} UTC"
    if edition.submissions_until and now >= edition.submissions_until:
        return f"{edition}: submissions closed on {edition.submissions_until:%Y-%m-%d %H:%M} UTC"
    return ""
