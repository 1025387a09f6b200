"""Annual re-verification: the status light, reminders, and inactivity after a configurable silence.

An entry's light is green while its last verification is younger than WSIS_REGISTRY_YELLOW_AFTER_DAYS,
yellow until WSIS_REGISTRY_RED_AFTER_DAYS, red after. After WSIS_REGISTRY_INACTIVE_AFTER_DAYS of silence it is
marked inactive (never deleted). For pledges, only a yearly progress report counts as verification, so an
overdue report turns the same lights."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from wsis.apps.accounts.enums import MemberRole
from wsis.apps.registry.domain import RegistryError, facet_index
from wsis.apps.registry.enums import Action, Kind, Light, State
from wsis.apps.registry.models import Decision, Initiative, ProgressReport


def _days(name: str) -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, name)))


def light(*, initiative: Initiative, now: dt.datetime | None = None) -> str | None:
    """green/yellow/red for a published entry, None otherwise."""
    if initiative.state != State.PUBLISHED or initiative.last_verified_at is None:
        return None
    age = (now or timezone.now()) - initiative.last_verified_at
    if age < _days("WSIS_REGISTRY_YELLOW_AFTER_DAYS"):
        return Light.GREEN
    if age < _days("WSIS_REGISTRY_RED_AFTER_DAYS"):
        return Light.YELLOW
    return Light.RED


def light_filter(*, colour: str, now: dt.datetime | None = None) -> Q:
    """The same light as a database condition, for facets and filters."""
    now = now or timezone.now()
    yellow = now - _days("WSIS_REGISTRY_YELLOW_AFTER_DAYS")
    red = now - _days("WSIS_REGISTRY_RED_AFTER_DAYS")
    if colour == Light.GREEN:
        return Q(last_verified_at__gt=yellow)
    if colour == Light.YELLOW:
        return Q(last_verified_at__lte=yellow, last_verified_at__gt=red)
    if colour == Light.RED:
        return Q(last_verified_at__lte=red)
    raise RegistryError(f"light: unknown colour {colour!r}")


def verify(*, initiative: Initiative, actor) -> None:
    """The organization confirms the entry is still current (pledges report progress instead)."""
    if initiative.kind == Kind.PLEDGE:
        raise RegistryError("kind: a pledge is verified by its yearly progress report")
    Initiative.objects.filter(pk=initiative.pk).update(last_verified_at=timezone.now(), inactive_since=None)
    initiative.refresh_from_db()


def report_progress(*, initiative: Initiative, actor, year: int, text: str) -> ProgressReport:
    if initiative.kind != Kind.PLEDGE:
        raise RegistryError("kind: only pledges report yearly progress")
    if not text.strip():
        raise RegistryError("text: the progress report is empty")
    with transaction.atomic():
        report, _created = ProgressReport.objects.update_or_create(
            initiative=initiative, year=year, defaults={"text": text.strip(), "author": actor}
        )
        Initiative.objects.filter(pk=initiative.pk).update(
            last_verified_at=timezone.now(), inactive_since=None
        )
    initiative.refresh_from_db()
    return report


def due_for_reminder(*, now: dt.datetime | None = None) -> QuerySet[Initiative]:
    now = now or timezone.now()
    return Initiative.objects.filter(
        light_filter(colour=Light.YELLOW, now=now) | light_filter(colour=Light.RED, now=now),
        state=State.PUBLISHED,
        same_as=None,
        inactive_since=None,
    )


def run_maintenance(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send reminders for yellow and red entries and mark long-silent ones inactive. Run it daily."""
    now = now or timezone.now()
    silent = Initiative.objects.filter(
        state=State.PUBLISHED,
        same_as=None,
        inactive_since=None,
        last_verified_at__lte=now - _days("WSIS_REGISTRY_INACTIVE_AFTER_DAYS"),
    )
    facet_index.prune_changes()
    inactive = 0
    for initiative in silent:
        with transaction.atomic():
            Decision.objects.create(
                initiative=initiative,
                action=Action.INACTIVE,
                from_state=initiative.state,
                to_state=initiative.state,
                reason=f"no verification since {initiative.last_verified_at:%Y-%m-%d}",
                version=initiative.version,
            )
            Initiative.objects.filter(pk=initiative.pk).update(inactive_since=now)
        inactive += 1
    reminded = 0
    for initiative in due_for_reminder(now=now).select_related("organization"):
        owners = initiative.organization.members.filter(role=MemberRole.OWNER).select_related("user")
        emails = [m.user.email for m in owners if m.user.email]
        if emails:
            send_mail(
                subject=f"[WSIS] Please confirm {initiative.ref} is current",
                message=(
                    f"{initiative.display_title}\n\n"
                    "Please confirm this entry is still current, or update it:\n"
                    f"{settings.WSIS_PUBLIC_URL}{initiative.get_absolute_url()}\n"
                ),
                from_email=None,
                recipient_list=emails,
            )
            reminded += 1
    return {"inactive": inactive, "reminded": reminded}
