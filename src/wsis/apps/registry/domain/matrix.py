"""SDG targets outside the WSIS-SDG matrix: allowed, but flagged to authors and reviewers. The matrix links
action lines (not sub-lines) to targets, so a C7 sub-line counts with its parent C7."""

from __future__ import annotations

from wsis.apps.reference.models import ActionLine, MatrixLink
from wsis.apps.registry.models import Initiative


def targets_outside_matrix(*, initiative: Initiative) -> list[str]:
    lines = set(initiative.action_lines.values_list("code", flat=True))
    lines |= set(
        ActionLine.objects.filter(code__in=lines).exclude(parent=None).values_list("parent_id", flat=True)
    )
    linked = set(MatrixLink.objects.filter(line__in=lines).values_list("target_id", flat=True))
    return sorted(t for t in initiative.targets.values_list("target_id", flat=True) if t not in linked)
