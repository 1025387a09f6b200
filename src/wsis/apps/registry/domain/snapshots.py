"""Snapshots of an initiative (the content of a version) and the diff between two of them."""

from __future__ import annotations

import difflib
from decimal import Decimal

from wsis.apps.registry.domain.fields import ENTRY_LISTS, PRIVATE_CONTACT, SCALARS, TEXTS
from wsis.apps.registry.models import Initiative


def _plain(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        # "250000", not "2.5E+5" (what str() of a normalized Decimal gives).
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value.isoformat()


def snapshot(*, initiative: Initiative) -> dict:
    """Every field that authors write, as plain JSON, in a stable order."""
    data: dict = {name: _plain(getattr(initiative, name)) for name in SCALARS}
    for name in TEXTS:
        data[name] = {k: v for k, v in sorted(getattr(initiative, name).items()) if v}
    for name in ENTRY_LISTS:
        data[name] = list(getattr(initiative, name))
    data["action_lines"] = sorted(initiative.action_lines.values_list("code", flat=True))
    data["countries"] = sorted(initiative.countries.values_list("iso3", flat=True))
    data["groups"] = sorted(initiative.groups.values_list("code", flat=True))
    data["targets"] = [
        {"code": t.target_id, "evidence": t.evidence} for t in initiative.targets.order_by("target_id")
    ]
    data["results"] = [
        {
            "indicator": r.indicator,
            "year": r.year,
            "baseline": _plain(r.baseline),
            "target": _plain(r.target),
            "actual": _plain(r.actual),
        }
        for r in initiative.results.all()
    ]
    return data


def public_snapshot(snap: dict, *, contact_public_now: bool) -> dict:
    """A version as a visitor may see it: the contact only where that version made it public and the
    entry still does. A contact made private later stays hidden in the history too (its owner withdrew
    it), and a private one is never shown because a later version is public."""
    if snap.get("contact_public") and contact_public_now:
        return snap
    return {k: v for k, v in snap.items() if k not in PRIVATE_CONTACT}


def _lines(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{k}: {v}" for k, v in value.items()]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [] if value in (None, "") else [str(value)]


def diff(*, old: dict, new: dict) -> list[dict]:
    """Changed fields only, each with unified-diff lines (``-`` removed, ``+`` added)."""
    changes = []
    for field in sorted(set(old) | set(new)):
        before, after = _lines(old.get(field)), _lines(new.get(field))
        if before != after:
            lines = [
                line
                for line in difflib.unified_diff(before, after, lineterm="", n=0)
                if not line.startswith(("---", "+++", "@@"))
            ]
            changes.append({"field": field, "lines": lines})
    return changes
