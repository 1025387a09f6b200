"""What a refresh publishes, in one place for the refresh and the pages that read it, and the key each
figure is kept under."""

from __future__ import annotations

from collections.abc import Iterable

from wsis.apps.reference.models import ConnectivityTarget

#: The world is not a group of the reference knowledge: the measurement app reads it as every economy.
WORLD = "WLD"
#: Indicators aggregated over every group (rates of people and households, subscriptions per 100): the
#: home page's headlines and the group profiles.
AGGREGATED = ("i99H", "xHH6_IDI", "i911mw", "i992b")
#: The indicator whose dispersion between a group's members the group profile shows.
DISPERSION_OF = "i99H"
#: How many years back from the newest figure aggregates are published.
LOOKBACK_YEARS = 6
#: Frameworks whose targets the home page assesses for the targets' groups...
WORLD_TARGET_FRAMEWORKS = ("BBC2025", "SDG")
#: ... and those an economy profile assesses the economy against (each target's own threshold).
ECONOMY_TARGET_FRAMEWORKS = ("BBC2025", "SDG", "UMC2030")
#: The composite index published where its inputs allow.
INDEX = "idi-2024"


def aggregates_key(indicator: str, group: str) -> str:
    return f"aggregates/{indicator}/{group}"


def dispersion_key(indicator: str, group: str, period: int) -> str:
    return f"dispersion/{indicator}/{group}/{period}"


def progress_key(economy: str | None) -> str:
    """The world targets' assessment (``economy`` None), or one economy's."""
    return f"progress/{economy or WORLD}"


def applicable_targets(
    groups_today: Iterable[str], targets: Iterable[ConnectivityTarget] | None = None
) -> list[ConnectivityTarget]:
    """Of ``targets`` (default: every target of :data:`ECONOMY_TARGET_FRAMEWORKS`), those an economy is
    assessed against: world targets, and targets of a group it belongs to today. Targets of a group the
    reference knowledge does not define (developing countries) are left out: membership cannot be checked."""
    groups = set(groups_today)
    if targets is None:
        targets = ConnectivityTarget.objects.filter(framework__in=ECONOMY_TARGET_FRAMEWORKS)
    return sorted((t for t in targets if t.group == WORLD or t.group in groups), key=lambda t: t.code)
