"""The measurement engine's inputs, read from the warehouse and the reference knowledge in the database.

* **values**: a tidy frame ``economy, indicator, period, value, nature`` of totals (no disaggregation) for
  economies, from the latest figure of every key, or from exactly what one release published;
* **population**: World Bank ``SP.POP.TOTL`` observations of economies, the weights of people-based
  aggregates (latest figures);
* **memberships**: every ``Membership`` row of the reference app (LDC, LLDC, SIDS, ITU regions and the
  World Bank income groups loaded by ``wsis reference income``), with their validity dates.

``WLD`` ("the world") is not a group of the reference knowledge: here it means every economy of the
reference knowledge (the ``Economy`` table, UN members and the other economies ITU reports on), valid
for all time. Economies without population are left out of weighted aggregates and listed by the engine.

Each input remembers the releases its rows came from, so that a stored computation can name them.
Once the warehouse holds a real release, synthetic demonstration releases are never read.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

import polars as pl

from wsis.apps.reference.models import Economy, Group, Indicator, Membership
from wsis.apps.warehouse.domain.query import find_release, select
from wsis.apps.warehouse.domain.world import real_world
from wsis.apps.warehouse.models import Release
from wsis.engine.measure.memberships import memberships_frame
from wsis.engine.readers.observation import DISAGGREGATIONS

#: The warehouse code of total population (World Bank WDI), the weight of people-based aggregates.
POPULATION = "SP.POP.TOTL"
#: GNI per capita, Atlas method, current USD (World Bank WDI): the denominator of affordability.
GNI_PER_CAPITA = "NY.GNP.PCAP.CD"
WORLD = "WLD"
#: Membership of WLD starts before any period the warehouse holds.
WORLD_SINCE = dt.date(1900, 1, 1)
_YEAR = r"^\d{4}$"
P = ParamSpec("P")
R = TypeVar("R")


#: Inputs already read during one refresh (:func:`read_once`): the refresh asks for the same frames
#: hundreds of times (every economy's progress reads the same indicators). None outside a refresh.
_read: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("measure_inputs_read", default=None)


@contextmanager
def read_once() -> Iterator[None]:
    """Within this block, each input is read from the database once and then reused: for a refresh,
    which computes everything from one state of the data. Frames are immutable, so sharing them is safe."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def _remembered(read: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(read)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = _read.get()
        if memo is None:
            return read(*args, **kwargs)
        key = (read.__name__, repr(args), repr(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = read(*args, **kwargs)
        return memo[key]  # type: ignore[no-any-return]

    return wrapper


class UnknownInput(LookupError):
    """A group, indicator or release the warehouse or the reference knowledge does not know."""


@dataclass(frozen=True)
class Input:
    """A frame for the engine and the releases its rows were published in."""

    frame: pl.DataFrame
    releases: tuple[Release, ...]
    #: Economy -> ids of the releases its rows come from, where the reader knows them.
    sources: Mapping[str, frozenset[int]] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(str(r) for r in self.releases)

    def releases_of(self, economy: str) -> tuple[Release, ...]:
        """The releases one economy's rows come from: a result about that economy alone names those, not
        every release of the indicator (so a revision of another economy leaves its provenance as it was)."""
        ids = self.sources.get(economy, frozenset())
        return tuple(r for r in self.releases if r.id in ids)


@_remembered
def values(
    indicators: Sequence[str],
    *,
    release: str | int | None = None,
    disaggregations: dict[str, str] | None = None,
    require: bool = True,
) -> Input:
    """Yearly figures of economies for ``indicators``: totals unless ``disaggregations`` picks a breakdown
    (the other dimensions stay totals). ``require``: an indicator with no figure at all is an error."""
    chosen = {d: "_T" for d in DISAGGREGATIONS} | (disaggregations or {})
    qs = select(indicators=indicators, release=release, disaggregations=chosen).filter(
        area_kind="economy", period__regex=_YEAR
    )
    if real_world():
        # Never a synthetic figure in a computation on real data (warehouse/domain/world.py), even one
        # the latest marks would let through.
        if release is not None and find_release(release).synthetic:
            raise UnknownInput(
                f"release {release!r} is synthetic demonstration data; the warehouse holds real releases, "
                "and the two are never mixed"
            )
        qs = qs.filter(release__synthetic=False)
    rows = list(qs.values_list("area", "indicator", "period", "value", "nature", "release_id"))
    frame = pl.DataFrame(
        rows,
        schema={
            "economy": pl.Utf8,
            "indicator": pl.Utf8,
            "period": pl.Utf8,
            "value": pl.Float64,
            "nature": pl.Utf8,
            "release": pl.Int64,
        },
        orient="row",
    ).with_columns(pl.col("period").cast(pl.Int64))
    if require:
        missing = sorted(set(indicators) - set(frame["indicator"].unique().to_list()))
        if missing:
            where = f"release {release!r}" if release is not None else "the warehouse"
            raise UnknownInput(f"no observations of {', '.join(missing)} in {where}")
    sources = {
        economy: frozenset(ids)
        for economy, ids in frame.group_by("economy").agg(pl.col("release").unique()).iter_rows()
    }
    return Input(frame.drop("release"), _releases(frame["release"].unique().to_list()), sources)


def population(release: str | int | None = None) -> Input:
    """Population by economy and year (``economy, period, value``) from World Bank ``SP.POP.TOTL``."""
    got = values([POPULATION], release=release)
    return Input(got.frame.select("economy", "period", "value"), got.releases)


def gni_per_capita(release: str | int | None = None) -> Input:
    """GNI per capita (Atlas, current USD) by economy and year from World Bank ``NY.GNP.PCAP.CD``."""
    got = values([GNI_PER_CAPITA], release=release)
    return Input(got.frame.select("economy", "period", "value"), got.releases)


@_remembered
def memberships(kinds: Iterable[str] = ()) -> pl.DataFrame:
    """Every membership of the reference groups (of ``kinds`` only, if given), plus ``WLD``."""
    qs = Membership.objects.all()
    if kinds:
        qs = qs.filter(group__kind__in=list(kinds))
    rows = [
        {"group": g, "economy": e, "valid_from": f, "valid_to": t}
        for g, e, f, t in qs.values_list("group_id", "economy_id", "valid_from", "valid_to")
    ]
    if not kinds:
        rows += [
            {"group": WORLD, "economy": e, "valid_from": WORLD_SINCE, "valid_to": None}
            for e in Economy.objects.values_list("iso3", flat=True)
        ]
    return memberships_frame(rows)


@_remembered
def known_groups() -> list[str]:
    """Codes of the groups one can aggregate over: the reference groups with members, and WLD."""
    return sorted({*Membership.objects.values_list("group_id", flat=True).distinct(), WORLD})


def check_groups(groups: Iterable[str]) -> list[str]:
    """Upper-cased group codes; an unknown one (or one without any member, like income groups before
    ``wsis reference income`` ran) is an error naming what exists."""
    out = [g.upper() for g in groups]
    known = set(known_groups())
    for group in out:
        if group not in known:
            hint = ""
            if Group.objects.filter(code=group, kind="income").exists():
                hint = " (income groups are loaded with `wsis reference income FILE --fiscal-year N`)"
            raise UnknownInput(f"no group {group!r} with members{hint}; known: {', '.join(sorted(known))}")
    return out


@_remembered
def aggregation_kind(indicator: str) -> str:
    """How the catalogue says to aggregate ``indicator``: households-weighted for rates of households,
    a sum for counts, population-weighted otherwise (rates of people, subscriptions per 100 people)."""
    found = Indicator.objects.filter(code=indicator).values_list("population_base", "unit").first()
    if found is None:
        return "people"
    base, unit = found
    if base == "households":
        return "households"
    if unit in ("number", "count"):
        return "count"
    return "people"


@_remembered
def unit_of(indicator: str) -> str | None:
    """The catalogue's unit of ``indicator`` (``percent``, ``per_100``...), None when not catalogued."""
    return Indicator.objects.filter(code=indicator).values_list("unit", flat=True).first()


def _releases(ids: Iterable[int]) -> tuple[Release, ...]:
    return tuple(Release.objects.filter(id__in=list(ids)).order_by("publisher", "name"))
