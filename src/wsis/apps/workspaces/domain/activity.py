"""The record of what changed in a workspace, read by the digest e-mail. Each change is kept as a
message marked for translation (``gettext_noop``) and its values, and said in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext

from wsis.apps.workspaces.models import Activity, Workspace


def record(*, workspace: Workspace, message: str, private: bool = False, **params) -> Activity:
    values = {name: str(value) for name, value in params.items()}
    return Activity.objects.create(
        workspace=workspace, text=message % values, message=message, params=values, private=private
    )


def said(activity: Activity) -> str:
    """The change in the active language (rows kept before messages were stored: their English text)."""
    if not activity.message:
        return activity.text
    return gettext(activity.message) % activity.params
