"""Partner2Connect pledges: what a pledge must say beyond an initiative, and how its targets are stored."""

from __future__ import annotations

from decimal import Decimal

from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.domain.fields import PLEDGE_LISTS, PLEDGE_SCALARS
from wsis.apps.registry.enums import Beneficiary, FocusArea, Kind, PledgeType


def check_pledge(data: dict) -> None:
    """A pledge (Partner2Connect) names its focus area and type; its targets are measurable. Initiatives
    carry none of the pledge fields, so that a dump never shows half a pledge."""
    if data.get("kind") != Kind.PLEDGE:
        for name in [*PLEDGE_SCALARS, *PLEDGE_LISTS]:
            if data.get(name) not in (None, "", []):
                raise RegistryError(f"{name}: only pledges have this field (kind is {data.get('kind')!r})")
        return
    for name, choices in (("focus_area", FocusArea.values), ("pledge_type", PledgeType.values)):
        if data.get(name) not in choices:
            raise RegistryError(f"{name}: a pledge needs one of {', '.join(choices)}")
    if len(str(data.get("pillar") or "")) > 100:
        raise RegistryError("pillar: at most 100 characters")
    value = data.get("pledge_value_usd")
    if value not in (None, "") and Decimal(str(value)) < 0:
        raise RegistryError("pledge_value_usd: the pledged value cannot be negative")
    unknown = set(data.get("beneficiaries") or []) - set(Beneficiary.values)
    if unknown:
        raise RegistryError(f"beneficiaries: unknown group(s) {', '.join(sorted(map(str, unknown)))}")
    for n, target in enumerate(data.get("pledge_targets") or [], start=1):
        if not isinstance(target, dict) or not str(target.get("description", "")).strip():
            raise RegistryError(f"pledge_targets: target {n} needs a description")
        year = str(target.get("year") or "").strip()
        if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise RegistryError(f"pledge_targets: target {n} has year {year!r}, not a year 2000-2100")
        if target.get("value") not in (None, ""):
            try:
                Decimal(str(target["value"]))
            except ArithmeticError as exc:
                raise RegistryError(
                    f"pledge_targets: target {n} value {target['value']!r} is not a number"
                ) from exc


def stored_target(target: dict) -> dict:
    """One measurable pledge target as stored: numbers as exact decimal strings (JSON has no decimals)."""
    value = target.get("value")
    year = str(target.get("year") or "").strip()
    return {
        "description": str(target["description"]).strip(),
        "value": None if value in (None, "") else format(Decimal(str(value)).normalize(), "f"),
        "unit": str(target.get("unit") or "").strip(),
        "year": int(year) if year else None,
    }
