"""Facet counts made readable: a translated heading per facet, a name per value, and for each value a
link that adds it to (or removes it from) the current filters, keeping the others."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from wsis.apps.accounts.enums import StakeholderType
from wsis.apps.reference.models import Economy, Region
from wsis.apps.registry.enums import ActivityStatus, Kind, Light

LABELS = {
    "line": _("Action lines"),
    "goal": _("SDGs"),
    "target": _("SDG targets"),
    "country": _("Countries"),
    "region": _("Region"),
    "group": _("Groups"),
    "stakeholder": _("Stakeholder type"),
    "status": _("Status"),
    "year": _("Year"),
    "light": _("Verification"),
    "kind": _("Kind"),
}
CHOICES = {"stakeholder": StakeholderType, "status": ActivityStatus, "kind": Kind, "light": Light}


def _names(name: str, values: list[str]) -> dict[str, str]:
    if name in CHOICES:
        return {v: str(CHOICES[name](v).label) for v in values if v in CHOICES[name].values}
    if name == "country":
        return {e.iso3: e.name for e in Economy.objects.filter(iso3__in=values)}
    if name == "region":
        return {r.m49: r.name for r in Region.objects.filter(m49__in=values)}
    if name == "goal":
        return {v: f"SDG {v}" for v in values}
    return {}


def readable(*, counts: dict[str, list[tuple[str, int]]], params: QueryDict) -> list[dict]:
    out = []
    for name, label in LABELS.items():
        pairs = counts.get(name) or []
        if not pairs:
            continue
        names = _names(name, [v for v, _n in pairs])
        chosen = params.getlist(name)
        items = []
        for value, count in pairs:
            query = params.copy()
            query.pop("page", None)
            active = value in chosen
            query.setlist(name, [v for v in chosen if v != value] if active else [*chosen, value])
            items.append(
                {
                    "value": value,
                    "label": names.get(value, value),
                    "count": count,
                    "active": active,
                    "url": "?" + query.urlencode(),
                }
            )
        out.append({"name": name, "label": label, "values": items})
    return out
