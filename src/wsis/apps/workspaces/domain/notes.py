"""Facilitators' notes: written by the line's facilitators, read by members only."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from wsis.apps.workspaces.domain.activity import record
from wsis.apps.workspaces.domain.issues import _text
from wsis.apps.workspaces.models import Note, Workspace


@transaction.atomic
def add_note(*, workspace: Workspace, text: str, by) -> Note:
    note = Note.objects.create(workspace=workspace, author=by, text=_text(text, "note", 10000))
    record(
        workspace=workspace, message=gettext_noop("Facilitators' note by %(person)s"), private=True, person=by
    )
    return note
