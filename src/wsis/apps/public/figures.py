"""Figures the public pages show, each with its provenance: value, year, unit, source, release, and whether
the publisher reported or estimated it (the observation's ``nature``), plus the synthetic flag of
demonstration data.

Two kinds of figures:

* :class:`Figure` - one warehouse observation (the latest figure of its key, as every query defaults to);
* :class:`Computed` - a result of the measurement engine (a group aggregate, a dispersion measure, an IDI
  score), always a *stored* computation (``wsis.apps.measure``), so the page can name it and anyone can
  fetch it again from ``/api/v1/measure/computations/<id>``.

Pages read observations in one query per page (:func:`observations`) and releases in one more
(:class:`Releases`). Engine results are computed through ``wsis.apps.measure.domain.compute`` (never
re-implemented here) and kept in the process cache keyed by the state of their inputs (:func:`inputs_state`),
so a page view does not redo an aggregate while no release or membership changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import polars as pl
from django.core.cache import caches
from django.db.models import Count, Max

from wsis.apps.measure.domain import compute, inputs
from wsis.apps.measure.domain.inputs import UnknownInput
from wsis.apps.measure.domain.store import provenance, store
from wsis.apps.measure.models import Computation
from wsis.apps.reference.models import Indicator, Membership
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.measure import inequality as ineq
from wsis.engine.measure.memberships import members_on, period_date
from wsis.engine.measure.tidy import IMPUTED_NATURES
from wsis.engine.readers.observation import DISAGGREGATIONS

T = TypeVar("T")

#: How long engine results stay in the process cache at most; new inputs change the key at once.
ENGINE_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ReleaseRef:
    """Where a figure was published: the warehouse release (vintage) it belongs to."""

    id: int
    publisher: str
    name: str
    date: dt.date
    synthetic: bool

    def __str__(self) -> str:
        return f"{self.publisher}: {self.name}"

    @classmethod
    def of(cls, release: Release) -> ReleaseRef:
        return cls(release.id, release.publisher, release.name, release.date, release.synthetic)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReleaseRef:
        """From a stored computation's provenance (``wsis.apps.measure.domain.store.provenance``)."""
        return cls(
            int(data["id"]),
            str(data["publisher"]),
            str(data["name"]),
            dt.date.fromisoformat(str(data["date"])),
            bool(data.get("synthetic", False)),
        )


class Releases:
    """Every release, read once per page (a small table): figures point into it by id."""

    def __init__(self) -> None:
        self._by_id = {r.id: ReleaseRef.of(r) for r in Release.objects.all()}

    def __getitem__(self, release_id: int) -> ReleaseRef:
        return self._by_id[release_id]

    def latest(self, count: int = 5) -> list[ReleaseRef]:
        return sorted(self._by_id.values(), key=lambda r: (r.date, r.id), reverse=True)[:count]


def is_estimated(nature: str | None) -> bool:
    """True when the publisher marked the figure as an estimate (or modelled / imputed it)."""
    return (nature or "").strip(" .").lower() in IMPUTED_NATURES


@dataclass(frozen=True)
class Figure:
    """One published figure with its provenance."""

    indicator: str
    area: str
    period: str
    value: float
    unit: str
    source: str | None
    nature: str
    release: ReleaseRef
    breakdown: tuple[tuple[str, str], ...] = ()  # the non-total disaggregations, e.g. (("sex", "F"),)

    @property
    def year(self) -> int | None:
        return int(self.period) if self.period.isdigit() else None

    @property
    def estimated(self) -> bool:
        return is_estimated(self.nature)

    @property
    def synthetic(self) -> bool:
        return self.release.synthetic

    def code(self, dimension: str) -> str:
        return dict(self.breakdown).get(dimension, "_T")


_FIELDS = ("indicator", "area", "period", "value", "unit", "source", "nature", "release_id", *DISAGGREGATIONS)


def observations(
    indicators: Sequence[str],
    areas: Sequence[str],
    releases: Releases,
    *,
    breakdowns: Mapping[str, Sequence[str]] | None = None,
    yearly: bool = True,
) -> list[Figure]:
    """The latest figures of ``indicators`` (all when empty) for ``areas``, in one query: totals, plus -
    for each dimension named in ``breakdowns`` - its given codes with every other dimension a total."""
    qs = Observation.objects.filter(is_latest=True, area__in=list(areas))
    if indicators:
        qs = qs.filter(indicator__in=list(indicators))
    if yearly:
        qs = qs.filter(period__regex=r"^\d{4}$")
    wanted = {d: ["_T", *codes] for d, codes in (breakdowns or {}).items()}
    for dimension in DISAGGREGATIONS:
        qs = qs.filter(**{f"{dimension}__in": wanted.get(dimension, ["_T"])})
    out = []
    for row in qs.values_list(*_FIELDS).order_by("indicator", "area", "period"):
        codes = row[len(_FIELDS) - len(DISAGGREGATIONS) :]
        broken = tuple((d, c) for d, c in zip(DISAGGREGATIONS, codes, strict=True) if c != "_T")
        if len(broken) > 1:
            continue  # a cross-breakdown (women in rural areas): not what the pages show
        out.append(
            Figure(
                indicator=row[0],
                area=row[1],
                period=row[2],
                value=row[3],
                unit=row[4],
                source=row[5],
                nature=row[6],
                release=releases[row[7]],
                breakdown=broken,
            )
        )
    return out


def totals(figures: Iterable[Figure]) -> list[Figure]:
    return [f for f in figures if not f.breakdown]


def series(figures: Iterable[Figure]) -> dict[tuple[str, str], list[Figure]]:
    """Figures by (indicator, area), oldest first."""
    out: dict[tuple[str, str], list[Figure]] = defaultdict(list)
    for f in figures:
        out[(f.indicator, f.area)].append(f)
    for items in out.values():
        items.sort(key=lambda f: f.period)
    return dict(out)


def latest(figures: Iterable[Figure]) -> dict[tuple[str, str], Figure]:
    """The newest figure of each (indicator, area)."""
    return {key: items[-1] for key, items in series(figures).items()}


def indicators(codes: Iterable[str]) -> dict[str, Indicator]:
    """Catalogue entries (names in six languages, unit, direction) of ``codes`` that are catalogued."""
    return {i.code: i for i in Indicator.objects.filter(code__in=list(codes))}


def sources_of(items: Iterable[Figure | Computed], more: Iterable[ReleaseRef] = ()) -> list[ReleaseRef]:
    """The releases behind a page's figures (and ``more``), newest first, each once: the page's sources."""
    found: dict[int, ReleaseRef] = {r.id: r for r in more}
    for item in items:
        for release in item.releases if isinstance(item, Computed) else (item.release,):
            found[release.id] = release
    return sorted(found.values(), key=lambda r: (r.date, r.id), reverse=True)


# --- results of the measurement engine --------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    """A figure the measurement engine computed and stored, with what it rests on."""

    value: float | None
    period: int
    unit: str
    status: str  # "ok", or "refused" / "empty" with ``message`` saying why
    message: str
    computation: int
    methodology: str
    releases: tuple[ReleaseRef, ...]
    imputed_share: float | None = None  # of the group's weight: publisher estimates plus imputed here
    reported_share: float | None = None
    missing_share: float | None = None
    members: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def estimated(self) -> bool:
        """An aggregate is an estimate as soon as part of it is imputed."""
        return bool(self.imputed_share)

    @property
    def synthetic(self) -> bool:
        return any(r.synthetic for r in self.releases)


def inputs_state() -> str:
    """A fingerprint of what engine results on warehouse data depend on: releases and memberships.

    (Stored computations are left out on purpose: storing one must not invalidate the others.)"""
    releases = Release.objects.aggregate(
        n=Count("id"), last=Max("imported_at"), size=Max("observation_count")
    )
    members = Membership.objects.aggregate(n=Count("id"), last=Max("id"))
    raw = repr((sorted(releases.items()), sorted(members.items())))
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def cached(key: str, state: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per (key, inputs state) in this process; the result must be picklable."""
    cache = caches["default"]
    full = "public-engine:" + hashlib.sha256(f"{key}|{state}".encode()).hexdigest()
    found = cache.get(full)
    if found is None:
        found = compute()
        cache.set(full, found, ENGINE_CACHE_SECONDS)
    return found


def _computed_releases(computation: Any) -> tuple[ReleaseRef, ...]:
    return tuple(ReleaseRef.from_dict(r) for r in provenance(computation)["releases"])


def latest_year(indicator: str) -> int | None:
    """The newest year any economy has a (total) figure of ``indicator`` for."""
    found = (
        Observation.objects.filter(is_latest=True, indicator=indicator, area_kind="economy")
        .filter(**{d: "_T" for d in DISAGGREGATIONS})
        .filter(period__regex=r"^\d{4}$")
        .aggregate(last=Max("period"))["last"]
    )
    return int(found) if found else None


#: How many years back from the newest figure a page looks for an aggregate the engine does not refuse.
LOOKBACK_YEARS = 6


def aggregates(indicator: str, group: str, state: str | None = None) -> list[Computed]:
    """The engine's aggregates of ``indicator`` over ``group`` for the last :data:`LOOKBACK_YEARS` years
    with data (population-weighted for rates of people; refused ones included, with the engine's reason).
    Empty when the warehouse holds no figure of the indicator or the group has no members."""

    def work() -> list[Computed]:
        last = latest_year(indicator)
        if last is None:
            return []
        years = list(range(last - LOOKBACK_YEARS + 1, last + 1))
        try:
            computation = compute.aggregate(indicator, [group], years)
        except UnknownInput:
            return []
        releases = _computed_releases(computation)
        unit = (Indicator.objects.filter(code=indicator).values_list("unit", flat=True).first()) or ""
        return [
            Computed(
                value=a["value"],
                period=int(a["period"]),
                unit=unit,
                status=a["status"],
                message=a["message"],
                computation=computation.pk,
                methodology=computation.methodology,
                releases=releases,
                imputed_share=a["imputed_share"],
                reported_share=a["reported_share"],
                missing_share=a["missing_share"],
                members=a["members"],
            )
            for a in computation.result["aggregates"]
        ]

    return cached(f"aggregates|{indicator}|{group}", state or inputs_state(), work)


def newest_ok(items: Sequence[Computed]) -> Computed | None:
    """The newest aggregate the engine did not refuse."""
    ok = [c for c in items if c.status == "ok" and c.value is not None]
    return max(ok, key=lambda c: c.period) if ok else None


def progress(*, targets: Sequence[str], economy: str | None = None, state: str | None = None) -> Any:
    """The engine's progress assessment (a stored computation) of the connectivity ``targets``, for each
    target's group - or for one ``economy``: a dict with ``assessments``, ``skipped``, ``computation``,
    ``methodology`` and ``releases``; None when no target can be assessed on the data held."""

    def work() -> Any:
        try:
            computation = compute.progress(targets=sorted(targets), economy=economy)
        except UnknownInput:
            return None
        return {
            "assessments": computation.result["assessments"],
            "skipped": computation.result["skipped"],
            "series": computation.result.get("series", []),
            "computation": computation.pk,
            "methodology": f"{computation.methodology} ({computation.methodology_version})",
            "releases": _computed_releases(computation),
        }

    return cached(f"progress|{economy}|{','.join(sorted(targets))}", state or inputs_state(), work)


def dispersion(indicator: str, group: str, period: int, state: str | None = None) -> Computed | None:
    """Inequality between the members of ``group`` in ``period`` (population-weighted Gini, Theil T,
    coefficient of variation; engine functions), on reported figures and publisher estimates only - no
    imputation - stored as a computation. None with fewer than three members with a figure."""

    def work() -> Computed | None:
        try:
            got = inputs.values([indicator])
            pop = inputs.population()
        except UnknownInput:
            return None
        members = members_on(inputs.memberships(), group, period_date(period))
        data = (
            got.frame.filter((pl.col("period") == period) & pl.col("economy").is_in(list(members)))
            .select("economy", "value")
            .join(
                pop.frame.filter(pl.col("period") == period).select("economy", pl.col("value").alias("w")),
                on="economy",
            )
            .sort("economy")
        )
        if data.height < 3:
            return None
        x, w = data["value"].to_numpy(), data["w"].to_numpy()
        low, high = data.sort("value").row(0), data.sort("value").row(-1)
        result = {
            "indicator": indicator,
            "group": group,
            "period": period,
            "economies": data.height,
            "members": len(members),
            "gini": ineq.gini(x, w),
            "theil_t": ineq.theil_t(x, w),
            "cv": ineq.coefficient_of_variation(x, w),
            "lowest": {"economy": low[0], "value": low[1]},
            "highest": {"economy": high[0], "value": high[1]},
        }
        computation = store(
            Computation.Kind.DIVIDE,
            parameters={
                "indicator": indicator,
                "period": period,
                "within_group": group,
                "weights": inputs.POPULATION,
                "imputation": "none",
            },
            result={"inequality": [result]},
            releases=[*got.releases, *pop.releases],
            methodology="divides/inequality",
            methodology_version="1",
        )
        stored = computation.result["inequality"][0]
        return Computed(
            value=stored["gini"],
            period=period,
            unit="gini",
            status="ok",
            message="",
            computation=computation.pk,
            methodology=computation.methodology,
            releases=_computed_releases(computation),
            members=stored["members"],
            extra=stored,
        )

    return cached(f"dispersion|{indicator}|{group}|{period}", state or inputs_state(), work)


def stored_index(economy: str, methodology: str = "idi-2024") -> dict[str, Any] | None:
    """The newest stored computation of a composite index that scored ``economy``: its scores by node,
    rank, edition, computation id and releases. None when no such computation exists - pages then say
    the index is not computed here, rather than invent one."""
    ids = list(
        Computation.objects.filter(kind=Computation.Kind.INDEX, methodology=methodology).values_list(
            "id", flat=True
        )[:3]
    )
    if not ids:
        return None
    # The results are large (every economy, every node): read and index them once per set of computations.
    by_economy = cached(f"index|{methodology}|{ids}", "", lambda: _index_by_economy(ids))
    found = by_economy.get(economy)
    return dict(found) if found else None


def _index_by_economy(ids: list[int]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for computation in Computation.objects.filter(id__in=ids).order_by("-created_at", "-id"):
        releases = _computed_releases(computation)
        ranked = len(computation.result.get("economies", []))
        for row in computation.result.get("economies", []):
            out.setdefault(
                row.get("economy"),
                {
                    "scores": row.get("scores", {}),
                    "rank": row.get("rank"),
                    "ranked": ranked,
                    "interval": row.get("rank_interval"),
                    "edition": computation.result.get("edition"),
                    "ranked_by_publisher": computation.result.get("ranked_by_publisher", False),
                    "computation": computation.pk,
                    "methodology": f"{computation.methodology} {computation.methodology_version}",
                    "releases": releases,
                },
            )
    return out
