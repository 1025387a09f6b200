"""Facilitators' notes: written by the line's facilitators, read by members only."""

from __future__ import annotations

from wsis.apps.workspaces.domain.activity import record
from wsis.apps.workspaces.domain.issues import _text
from wsis.apps.workspaces.models import Note, Workspace


def add_note(*, workspace: Workspace, text: str, by) -> Note:
    note = Note.objects.create(workspace=workspace, author=by, text=_text(text, "note", 10000))
    record(workspace=workspace, text=f"Facilitators' note by {by}", private=True)
    return note
