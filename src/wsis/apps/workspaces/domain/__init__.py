"""Business rules of the workspaces: keyword-only functions, each change in one transaction, each
refusal a :class:`WorkspaceError` naming what and where, with nothing stored."""


class WorkspaceError(ValueError):
    """A refused change; the message names the field or object and why."""
