"""Phases open and close by their dates; moderators move a date with a logged reason."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.apps.prizes.domain.errors import PhaseClosed, PrizeError
from wsis.apps.prizes.enums import PHASE_ORDER, Phase
from wsis.apps.prizes.models import BallotHead, Cycle, PhaseChange


def create_cycle(*, year: int, start: dt.datetime | None = None, **settings) -> Cycle:
    """A cycle with the usual calendar from ``start`` (default: 1 January of ``year``, UTC): submission
    8 weeks, review 4, voting 4, selection 2, results open for the rest of the year."""
    start = start or dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    weeks = [8, 4, 4, 2]
    dates = {}
    edge = start
    for phase, length in zip(PHASE_ORDER[:-1], weeks, strict=True):
        dates[f"{phase}_opens"] = edge
        edge = edge + dt.timedelta(weeks=length)
        dates[f"{phase}_closes"] = edge
    dates["results_opens"] = edge
    dates["results_closes"] = dt.datetime(year + 5, 1, 1, tzinfo=dt.UTC)
    with transaction.atomic():
        cycle = Cycle.objects.create(year=year, **{**dates, **settings})
        BallotHead.objects.create(cycle=cycle)
    return cycle


def is_open(cycle: Cycle, phase: str, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return cycle.opens(phase) <= now < cycle.closes(phase)


def current_phases(cycle: Cycle, now: dt.datetime | None = None) -> list[str]:
    return [str(p) for p in PHASE_ORDER if is_open(cycle, p, now)]


def require_open(cycle: Cycle, phase: str, now: dt.datetime | None = None) -> None:
    if not is_open(cycle, phase, now):
        raise PhaseClosed(
            _("The %(phase)s phase of the %(year)s cycle is not open (%(opens)s to %(closes)s, UTC).")
            % {
                "phase": Phase(phase).label,
                "year": cycle.year,
                "opens": cycle.opens(phase).strftime("%Y-%m-%d %H:%M"),
                "closes": cycle.closes(phase).strftime("%Y-%m-%d %H:%M"),
            }
        )


def move_date(
    *, cycle: Cycle, phase: str, edge: str, when: dt.datetime, reason: str, actor=None
) -> PhaseChange:
    """Open, close or extend a phase. The reason is mandatory: the change log is public."""
    if phase not in Phase.values or edge not in ("opens", "closes"):
        raise PrizeError(_("Unknown phase or date: %(phase)s %(edge)s.") % {"phase": phase, "edge": edge})
    if not reason.strip():
        raise PrizeError(_("A reason is required to change a phase date."))
    field = f"{phase}_{edge}"
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        old = getattr(locked, field)
        setattr(locked, field, when)
        if edge == "opens" and locked.opens(phase) >= locked.closes(phase):
            setattr(locked, f"{phase}_closes", when + dt.timedelta(weeks=4))
        if locked.opens(phase) > locked.closes(phase):
            setattr(locked, f"{phase}_opens", when)
        locked.save()
        change = PhaseChange.objects.create(
            cycle=locked, phase=phase, edge=edge, old=old, new=when, reason=reason.strip(), actor=actor
        )
    cycle.refresh_from_db()
    return change


def open_phase(
    *, cycle: Cycle, phase: str, reason: str, actor=None, until: dt.datetime | None = None
) -> None:
    now = timezone.now()
    move_date(cycle=cycle, phase=phase, edge="opens", when=now, reason=reason, actor=actor)
    if until is not None:
        move_date(cycle=cycle, phase=phase, edge="closes", when=until, reason=reason, actor=actor)


def close_phase(*, cycle: Cycle, phase: str, reason: str, actor=None) -> None:
    move_date(cycle=cycle, phase=phase, edge="closes", when=timezone.now(), reason=reason, actor=actor)
