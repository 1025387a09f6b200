"""The record of what changed in a workspace, read by the digest e-mail."""

from __future__ import annotations

from wsis.apps.workspaces.models import Activity, Workspace


def record(*, workspace: Workspace, text: str, private: bool = False) -> Activity:
    return Activity.objects.create(workspace=workspace, text=text, private=private)
