"""National versus international figures: where a national source and ITU publish the same indicator,
economy and year (and breakdown), both are kept - each observation stays in its own release - and
compared here.

"National" figures are those of releases pulled from a source of kind ``national``; "ITU" figures those
of releases whose publisher is ITU. For each side the newest visible release holding the key gives the
figure (so an embargoed release never shows). A difference counts when it is above ``threshold`` percent
of ITU's value (or above ``threshold`` itself when ITU's value is 0).
"""

from __future__ import annotations

from dataclasses import dataclass

from wsis.apps.federation.models import Pull, Source
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.readers.observation import KEY

ITU = "ITU"


@dataclass(frozen=True)
class Side:
    value: float
    nature: str
    release_id: int
    release: str
    source: str


@dataclass(frozen=True)
class Discrepancy:
    indicator: str
    economy: str
    period: str
    breakdown: str
    national: Side
    itu: Side

    @property
    def difference(self) -> float:
        return self.national.value - self.itu.value

    @property
    def relative(self) -> float | None:
        """The difference in percent of ITU's figure (None when ITU's figure is 0)."""
        return None if self.itu.value == 0 else 100 * self.difference / abs(self.itu.value)


def _newest(releases, **filters) -> dict[tuple, Side]:
    """Per key, the figure of the newest visible release among ``releases``."""
    rows = (
        Observation.objects.visible()
        .filter(release__in=releases, area_kind="economy", **filters)
        .order_by("release__date", "release_id")
        .values_list(*KEY, "value", "nature", "release_id", "release__publisher", "release__name")
    )
    out: dict[tuple, Side] = {}
    for row in rows:
        key = tuple(row[: len(KEY)])
        value, nature, release_id, publisher, name = row[len(KEY) :]
        out[key] = Side(value, nature, release_id, f"{publisher}: {name}", publisher)
    return out


def national_releases():
    """The visible releases pulled from national sources."""
    pulled = Pull.objects.filter(release__isnull=False, source__kind=Source.Kind.NATIONAL)
    return Release.objects.visible().filter(id__in=pulled.values("release_id"))


def discrepancies(*, threshold: float = 0.0, economy: str | None = None, indicator: str | None = None):
    """Every key both sides publish whose figures differ by more than ``threshold`` (see the module)."""
    filters = {}
    if economy:
        filters["area"] = economy.upper()
    if indicator:
        filters["indicator"] = indicator
    national = _newest(national_releases(), **filters)
    if not national:
        return []
    itu = _newest(Release.objects.visible().filter(publisher__startswith=ITU), **filters)
    found = []
    for key, ours in national.items():
        theirs = itu.get(key)
        if theirs is None:
            continue
        named = dict(zip(KEY, key, strict=True))
        breakdown = ",".join(
            f"{k}={v}" for k, v in named.items() if k not in ("indicator", "area", "period") and v != "_T"
        )
        item = Discrepancy(
            named["indicator"], named["area"], named["period"], breakdown or "total", ours, theirs
        )
        gap = abs(item.relative) if item.relative is not None else abs(item.difference)
        if gap > threshold:
            found.append(item)
    return sorted(found, key=lambda d: (d.economy, d.indicator, d.period, d.breakdown))
