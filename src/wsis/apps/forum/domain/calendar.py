"""The programme as an iCalendar feed (RFC 5545), written with the ``icalendar`` package. Times carry the
Forum's own time zone (Europe/Zurich) with its VTIMEZONE, so a calendar abroad shows them right, summer
time included."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import icalendar

from wsis.apps.forum.domain.sessions import local
from wsis.apps.forum.models import Edition, Session


def feed(
    *, edition: Edition, sessions: Iterable[Session], url_of: Callable[[Session], str], domain: str
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//WSIS Observatory//WSIS Forum programme//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{edition.title}")
    calendar.add("x-wr-timezone", edition.time_zone)
    for session in sessions:
        event = icalendar.Event()
        event.add("uid", f"forum-session-{session.pk}@{domain}")
        event.add("summary", session.title)
        event.add("dtstart", local(session.starts_at, edition))
        event.add("dtend", local(session.ends_at, edition))
        event.add("dtstamp", session.reviewed_at or session.created_at)
        event.add("location", f"{session.room}, {edition.venue}")
        event.add("url", url_of(session))
        event.add("description", session.description)
        event.add("categories", [line.code for line in session.action_lines.all()])
        calendar.add_component(event)
    # One VTIMEZONE per zone the events use, as RFC 5545 asks for TZID parameters.
    calendar.add_missing_timezones()
    return calendar.to_ical()
