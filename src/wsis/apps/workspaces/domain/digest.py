"""The digest e-mail: each member (people of member organizations and the line's facilitators) gets, at the
period they chose (weekly unless they said otherwise), what changed in the workspace since their last one,
in their preferred language (``accounts.Preference``; the site's default language when they stated none)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from wsis.apps.accounts.domain.preferences import prefer_language, preferred_language
from wsis.apps.accounts.enums import StaffRole
from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.activity import said
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


@transaction.atomic
def choose(*, workspace: Workspace, user, period: str, language: str | None = None) -> DigestChoice:
    """How often ``user`` gets the digest and, when given, in which language (their preference on the
    account, so other e-mails follow it too)."""
    if period not in DigestPeriod.values:
        raise WorkspaceError(f"period: {period!r} is not one of {', '.join(DigestPeriod.values)}")
    if language is not None:
        try:
            prefer_language(user=user, language=language)
        except ValueError as exc:
            raise WorkspaceError(str(exc)) from None
    choice, _ = DigestChoice.objects.update_or_create(
        workspace=workspace, user=user, defaults={"period": period}
    )
    return choice


def _mail(*, workspace: Workspace, user, changes: list[Activity]) -> None:
    """One digest, in the member's preferred language: subject, plain text and HTML (with the language's
    direction, right to left for Arabic)."""
    with translation.override(preferred_language(user=user)):
        context = {
            "line": workspace.line_id,
            "changes": [(a.at, said(a)) for a in changes],
            "url": settings.WSIS_PUBLIC_URL.rstrip("/")
            + reverse("workspaces:workspace", args=[workspace.line_id]),
            "members_url": settings.WSIS_PUBLIC_URL.rstrip("/")
            + reverse("workspaces:members", args=[workspace.line_id]),
            "language": translation.get_language(),
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
        }
        subject = ngettext(
            "[WSIS %(line)s] %(n)s change in the workspace",
            "[WSIS %(line)s] %(n)s changes in the workspace",
            len(changes),
        ) % {"line": workspace.line_id, "n": len(changes)}
        send_mail(
            subject,
            render_to_string("workspaces/digest.txt", context),
            None,
            [user.email],
            html_message=render_to_string("workspaces/digest.html", {**context, "subject": subject}),
        )


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
                _mail(workspace=workspace, user=user, changes=changes)
                choice.last_sent_at = now
                choice.save(update_fields=["last_sent_at"])
                sent += 1
    return sent
