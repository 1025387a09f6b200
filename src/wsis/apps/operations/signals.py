"""Audit entries from the rows staff and moderator actions leave (``domain/audit.py``)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from wsis.apps.accounts.models import StaffAssignment
from wsis.apps.operations.domain.audit import record
from wsis.apps.prizes.models import PhaseChange
from wsis.apps.publishing.models import Publication
from wsis.apps.registry.models import Decision, Initiative

#: Workflow steps taken by the owners themselves are not staff actions; a merge is logged when the
#: duplicate points to its survivor (``merged``), after its decision.
OWNER_ACTIONS = {"submit"}
LOGGED_ELSEWHERE = {"merge"}
ROLE_FLAGS = ("is_staff", "is_superuser", "is_active")


@receiver(post_save, sender=Decision, dispatch_uid="audit_decision")
def decision(sender: Any, instance: Decision, created: bool, **kwargs: Any) -> None:
    if not created or instance.action in OWNER_ACTIONS | LOGGED_ELSEWHERE:
        return
    ref = instance.initiative.ref
    record(
        f"registry.{instance.action}",
        instance.initiative,
        f"{instance.action} {ref}: {instance.from_state} -> {instance.to_state}"
        + (f" ({instance.reason})" if instance.reason else ""),
        actor=instance.actor,
        reason=instance.reason,
        line=instance.line_id,
        version=instance.version,
    )


@receiver(post_save, sender=Initiative, dispatch_uid="audit_merge")
def merged(sender: Any, instance: Initiative, update_fields: Any = None, **kwargs: Any) -> None:
    if not update_fields or "same_as" not in update_fields or instance.same_as_id is None:
        return
    step = instance.decisions.filter(action="merge").order_by("-id").first()
    record(
        "registry.merge",
        instance,
        f"merge {instance.ref} into {instance.same_as.ref}" + (f" ({step.reason})" if step else ""),
        actor=step.actor if step else None,
        reason=step.reason if step else "",
        same_as=instance.same_as.ref,
    )


def _role(instance: StaffAssignment, action: str, change: str) -> None:
    where = f" of {instance.line_id}" if instance.line_id else ""
    record(
        action,
        instance.user,
        f"{instance.user.get_username()} {change} {instance.role}{where}",
        role=instance.role,
        line=instance.line_id,
    )


@receiver(post_save, sender=StaffAssignment, dispatch_uid="audit_role_granted")
def role_granted(sender: Any, instance: StaffAssignment, created: bool, **kwargs: Any) -> None:
    if created:
        _role(instance, "accounts.role_granted", "made")


@receiver(post_delete, sender=StaffAssignment, dispatch_uid="audit_role_revoked")
def role_revoked(sender: Any, instance: StaffAssignment, **kwargs: Any) -> None:
    _role(instance, "accounts.role_revoked", "is no longer")


@receiver(pre_save, sender=get_user_model(), dispatch_uid="audit_user_flags_before")
def user_flags_before(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and not set(update_fields) & set(ROLE_FLAGS):
        return  # a sign-in's last_login, a password change: no role involved, no extra query
    if instance.pk:
        instance._audit_flags = sender.objects.filter(pk=instance.pk).values(*ROLE_FLAGS).first() or {}


@receiver(post_save, sender=get_user_model(), dispatch_uid="audit_user_flags")
def user_flags(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_flags", None)
    changed = {
        flag: getattr(instance, flag)
        for flag in ROLE_FLAGS
        if (before is not None and flag in before and before[flag] != getattr(instance, flag))
        or (created and flag != "is_active" and getattr(instance, flag))
    }
    if changed:
        flags = ", ".join(f"{k}={v}" for k, v in changed.items())
        record("accounts.flags", instance, f"{instance.get_username()}: {flags}", **changed)


@receiver(post_save, sender=PhaseChange, dispatch_uid="audit_phase")
def phase(sender: Any, instance: PhaseChange, created: bool, **kwargs: Any) -> None:
    if created:
        record(
            "prizes.phase",
            instance.cycle,
            f"{instance.cycle.year} {instance.phase} {instance.edge}: {instance.old:%Y-%m-%d %H:%M} -> "
            f"{instance.new:%Y-%m-%d %H:%M} ({instance.reason})",
            actor=instance.actor,
            phase=instance.phase,
            edge=instance.edge,
            old=instance.old.isoformat(),
            new=instance.new.isoformat(),
            reason=instance.reason,
        )


@receiver(post_save, sender=Publication, dispatch_uid="audit_publication")
def publication(sender: Any, instance: Publication, created: bool, **kwargs: Any) -> None:
    if created:
        record(
            "publishing.publication",
            instance,
            f"publication {instance.pk} {instance.state} ({instance.figure_count} figures), "
            f"asked by {instance.trigger}",
            trigger=instance.trigger,
            state=instance.state,
        )


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin")
def admin_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    """Anything staff add, change or delete in the admin."""
    if created:
        kind = {1: "added", 2: "changed", 3: "deleted"}.get(instance.action_flag, "changed")
        model = instance.content_type.model if instance.content_type_id else "object"
        record(
            f"admin.{kind}",
            None,
            f"{kind} {model} {instance.object_repr}: {instance.get_change_message()}"[:500],
            actor=instance.user,
            object_type=model,
            object_id=instance.object_id,
        )
