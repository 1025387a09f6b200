"""The review workflow: draft -> submitted -> in review -> published | changes requested | rejected.

Each step is a Decision with its reason, which is the public decision log. The permission to take a step
is checked by the caller (views and API ask ``rules``); these functions check that the step is legal."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.enums import Action, State
from wsis.apps.registry.models import Decision, Initiative

TRANSITIONS = {
    Action.SUBMIT: ({State.DRAFT, State.CHANGES_REQUESTED}, State.SUBMITTED),
    Action.START_REVIEW: ({State.SUBMITTED}, State.IN_REVIEW),
    Action.PUBLISH: ({State.SUBMITTED, State.IN_REVIEW}, State.PUBLISHED),
    Action.REQUEST_CHANGES: ({State.SUBMITTED, State.IN_REVIEW}, State.CHANGES_REQUESTED),
    Action.REJECT: ({State.SUBMITTED, State.IN_REVIEW}, State.REJECTED),
}
NEEDS_REASON = {Action.REQUEST_CHANGES, Action.REJECT}


def _log(
    *, initiative: Initiative, action: str, to_state: str, actor, reason: str = "", line=None
) -> Decision:
    return Decision.objects.create(
        initiative=initiative,
        action=action,
        from_state=initiative.state,
        to_state=to_state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        line=line,
        version=initiative.version,
    )


def transition(*, initiative: Initiative, action: str, actor, reason: str = "", line=None) -> Decision:
    """Take one workflow step; refuses steps that the current state does not allow."""
    if action not in TRANSITIONS:
        raise RegistryError(f"action: unknown workflow action {action!r}")
    allowed_from, to_state = TRANSITIONS[action]
    if initiative.same_as_id is not None:
        raise RegistryError(f"{initiative.ref} was merged into {initiative.same_as.ref}; change that entry")
    if initiative.state not in allowed_from:
        raise RegistryError(f"state: {initiative.ref} is {initiative.state}; {action} is not possible now")
    reason = (reason or "").strip()
    if action in NEEDS_REASON and not reason:
        raise RegistryError("reason: a decision to request changes or reject must give its reason")
    with transaction.atomic():
        decision = _log(
            initiative=initiative, action=action, to_state=to_state, actor=actor, reason=reason, line=line
        )
        initiative.state = to_state
        fields = ["state", "updated_at"]
        if to_state == State.PUBLISHED:
            now = timezone.now()
            initiative.published_at = initiative.published_at or now
            initiative.last_verified_at = now
            initiative.inactive_since = None
            fields += ["published_at", "last_verified_at", "inactive_since"]
        initiative.save(update_fields=fields)
    return decision


def submit(*, initiative: Initiative, actor) -> Decision:
    return transition(initiative=initiative, action=Action.SUBMIT, actor=actor)


def merge(*, duplicate: Initiative, into: Initiative, actor, reason: str) -> Decision:
    """Mark ``duplicate`` as the same initiative as ``into``. Nothing is deleted: the duplicate keeps its
    history and versions, its permanent URL leads to ``into``, and it leaves search and dumps."""
    if duplicate.pk == into.pk:
        raise RegistryError("same_as: an entry cannot be merged into itself")
    if into.same_as_id is not None:
        raise RegistryError(f"same_as: {into.ref} is itself merged into {into.same_as.ref}; merge into that")
    if duplicate.same_as_id is not None:
        raise RegistryError(f"same_as: {duplicate.ref} is already merged")
    if duplicate.state == State.PUBLISHED and into.state != State.PUBLISHED:
        # Its permanent URL leads to the survivor: an unpublished survivor would make it a 404 (issue 14).
        raise RegistryError(
            f"same_as: {duplicate.ref} is published and {into.ref} is {into.state}; "
            "a published entry can only be merged into a published one"
        )
    with transaction.atomic():
        decision = _log(
            initiative=duplicate,
            action=Action.MERGE,
            to_state=duplicate.state,
            actor=actor,
            reason=(reason or "").strip() or f"same initiative as {into.ref}",
        )
        duplicate.same_as = into
        duplicate.save(update_fields=["same_as", "updated_at"])
        # Entries merged earlier into the duplicate now point to the survivor too.
        Initiative.objects.filter(same_as=duplicate).update(same_as=into)
    return decision
