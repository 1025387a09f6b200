"""Setting up a line's workspace."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from wsis.apps.reference.models import ActionLine
from wsis.apps.workspaces.domain import WorkspaceError
from wsis.apps.workspaces.domain.activity import record
from wsis.apps.workspaces.models import Workspace


def line_of(code: str) -> ActionLine:
    line = ActionLine.objects.filter(code=code).first()
    if line is None:
        raise WorkspaceError(f"line: no action line {code!r} (C1-C11, C7.a-C7.h)")
    return line


@transaction.atomic
def set_up(*, line: ActionLine, purpose: str, by) -> Workspace:
    """The line's workspace, made once; setting it up again updates its purpose."""
    workspace, made = Workspace.objects.get_or_create(line=line, defaults={"created_by": by})
    workspace.purpose = purpose.strip()
    workspace.save(update_fields=["purpose"])
    message = (
        gettext_noop("Workspace set up by %(person)s")
        if made
        else gettext_noop("Workspace purpose updated by %(person)s")
    )
    record(workspace=workspace, message=message, person=by)
    return workspace
