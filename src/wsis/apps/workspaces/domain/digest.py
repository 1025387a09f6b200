"""The digest e-mail: each member (people of member organizations and the line's facilitators) gets, at the
period they chose (weekly unless they said otherwise), what changed in the workspace since their last one."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from wsis.apps.accounts.enums import StaffRole
from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.enums import DigestPeriod, MembershipState
from wsis.apps.workspaces.models import Activity, DigestChoice, Workspace
from wsis.apps.workspaces.rules import line_codes

SPAN = {DigestPeriod.DAILY: dt.timedelta(days=1), DigestPeriod.WEEKLY: dt.timedelta(days=7)}


def recipients(*, workspace: Workspace):
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    people = users.filter(
        memberships__organization__in=workspace.memberships.filter(state=MembershipState.ACTIVE).values(
            "organization"
        )
    )
    facilitators = users.filter(
        staff_roles__role=StaffRole.FACILITATOR, staff_roles__line_id__in=line_codes(workspace.line)
    )
    return (people | facilitators).distinct().order_by("pk")


def choose(*, workspace: Workspace, user, period: str) -> DigestChoice:
    if period not in DigestPeriod.values:
        raise WorkspaceError(f"period: {period!r} is not one of {', '.join(DigestPeriod.values)}")
    choice, _ = DigestChoice.objects.update_or_create(
        workspace=workspace, user=user, defaults={"period": period}
    )
    return choice


def send_digests(*, period: str, now: dt.datetime | None = None) -> int:
    """Send the ``period`` digests due at ``now``; returns how many e-mails went out."""
    if period not in SPAN:
        raise WorkspaceError(f"period: {period!r} is not daily or weekly")
    now = now or timezone.now()
    sent = 0
    for workspace in Workspace.objects.select_related("line"):
        chosen = dict(workspace.digest_choices.values_list("user_id", "period"))
        for user in recipients(workspace=workspace):
            if chosen.get(user.pk, DigestPeriod.WEEKLY) != period:
                continue
            with transaction.atomic():
                choice, _ = DigestChoice.objects.select_for_update().get_or_create(
                    workspace=workspace, user=user, defaults={"period": period}
                )
                since = choice.last_sent_at or now - SPAN[period]
                changes = list(Activity.objects.filter(workspace=workspace, at__gt=since, at__lte=now))
                if not changes:
                    continue
                lines = [f"- {a.at:%Y-%m-%d %H:%M} {a.text}" for a in changes]
                url = f"{settings.WSIS_PUBLIC_URL}/en/workspaces/{workspace.line_id}/"
                send_mail(
                    f"[WSIS {workspace.line_id}] {len(changes)} change(s) in the workspace",
                    "\n".join([f"What changed in the {workspace.line_id} workspace:", "", *lines, "", url]),
                    None,
                    [user.email],
                )
                choice.last_sent_at = now
                choice.save(update_fields=["last_sent_at"])
                sent += 1
    return sent
