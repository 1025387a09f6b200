"""Figures the public pages show, each with its provenance: value, year, unit, source, release, and whether
the publisher reported or estimated it (the observation's ``nature``), plus the synthetic flag of
demonstration data.

Two kinds of figures:

* :class:`Figure` - one warehouse observation (the latest figure of its key, as every query defaults to);
* :class:`Computed` - a result of the measurement engine (a group aggregate, a dispersion measure, an IDI
  score), always a *stored* computation (``wsis.apps.measure``), so the page can name it and anyone can
  fetch it again from ``/api/v1/measure/computations/<id>``.

Pages read observations in one query per page (:func:`observations`) and releases in one more
(:class:`Releases`). Engine results are never computed here: a refresh (``wsis.apps.publishing``)
computes them when the data change, and pages read the current publication
(:mod:`wsis.apps.publishing.domain.current`).
An import-linter contract keeps this module, and every view, away from anything that stores a computation.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import caches
from django.db.models import Count, Max

from wsis.apps.measure.domain.results import provenance
from wsis.apps.measure.models import Computation
from wsis.apps.publishing.domain import catalogue, current, pages
from wsis.apps.publishing.domain.published import Computed, ReleaseRef, releases_from_json
from wsis.apps.reference.models import Indicator
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.measure.tidy import IMPUTED_NATURES
from wsis.engine.readers.observation import DISAGGREGATIONS

__all__ = ["Computed", "ReleaseRef"]  # defined with the publication, used by every page through here

T = TypeVar("T")
#: How long repeated warehouse reads stay cached at most; new releases change the key at once.
READ_CACHE_SECONDS = 24 * 3600


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
    wanted = {d: ["_T", *codes] for d, codes in (breakdowns or {}).items()}
    for dimension in DISAGGREGATIONS:
        qs = qs.filter(**{f"{dimension}__in": wanted.get(dimension, ["_T"])})
    out = []
    for row in qs.values_list(*_FIELDS).order_by("indicator", "area", "period"):
        if yearly and not (len(row[2]) == 4 and row[2].isdigit()):
            continue  # a quarter or a month; filtered here, as SQLite would call Python's regex per row
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


def warehouse_state() -> str:
    """A fingerprint of the warehouse's releases: what pages reading observations depend on."""
    found = Release.objects.aggregate(n=Count("id"), last=Max("imported_at"), size=Max("observation_count"))
    return hashlib.sha256(repr(sorted(found.items())).encode()).hexdigest()[:20]


def cached(key: str, state: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per (key, state) in the shared cache; the result must be picklable. For reads of
    the warehouse a page repeats (an indicator's coverage), keyed by :func:`warehouse_state`."""
    cache = caches["default"]
    full = "public-read:" + hashlib.sha256(f"{key}|{state}".encode()).hexdigest()
    found = cache.get(full)
    if found is None:
        found = compute()
        cache.set(full, found, READ_CACHE_SECONDS)
    return found


# --- results of the measurement engine, as the current publication holds them -------------------------


def inputs_state() -> str:
    """The current publication, which every engine result a page shows comes from (pages pass it back to
    the functions below; it also names the publication in tests)."""
    return current.token()


def aggregates(indicator: str, group: str, state: str | None = None) -> list[Computed]:
    """The published aggregates of ``indicator`` over ``group`` for the last years with data (refused ones
    included, with the engine's reason). Empty when nothing is published for them (no figure of the
    indicator, a group without members, or no refresh yet)."""
    found = current.figure(catalogue.aggregates_key(indicator, group))
    return [Computed.from_json(c) for c in found or ()]


def newest_ok(items: Sequence[Computed]) -> Computed | None:
    """The newest aggregate the engine did not refuse."""
    ok = [c for c in items if c.status == "ok" and c.value is not None]
    return max(ok, key=lambda c: c.period) if ok else None


def progress(*, targets: Sequence[str], economy: str | None = None, state: str | None = None) -> Any:
    """The published progress assessment of the connectivity ``targets``, for each target's group - or for
    one ``economy``: a dict with ``assessments``, ``skipped``, ``computation``, ``methodology`` and
    ``releases``, limited to ``targets``; None when none of them was assessed."""
    found = current.figure(catalogue.progress_key(economy))
    if found is None:
        return None
    wanted = set(targets)
    out = releases_from_json(found)
    out["assessments"] = [a for a in out["assessments"] if a["code"] in wanted]
    out["skipped"] = [s for s in out["skipped"] if s["code"] in wanted]
    if not out["assessments"] and not out["skipped"]:
        return None
    return out


def dispersion(indicator: str, group: str, period: int, state: str | None = None) -> Computed | None:
    """The published inequality between the members of ``group`` in ``period`` (population-weighted Gini,
    Theil T, coefficient of variation on reported figures and publisher estimates). None with fewer than
    three members with a figure, or when nothing is published."""
    found = current.figure(catalogue.dispersion_key(indicator, group, period))
    return Computed.from_json(found) if found else None


def _computed_releases(computation: Any) -> tuple[ReleaseRef, ...]:
    return tuple(ReleaseRef.from_dict(r) for r in provenance(computation)["releases"])


def stored_index(economy: str, methodology: str = "idi-2024") -> dict[str, Any] | None:
    """The newest stored computation of a composite index that scored ``economy``: its scores by node,
    rank, edition, computation id and releases. None when no such computation exists - pages then say
    the index is not computed here, rather than invent one."""
    ids = pages.index_computations(methodology)
    if not ids:
        return None
    # The results are large (every economy, every node): read and index them once per set of computations.
    cache = caches["default"]
    key = f"public-index:{methodology}:{'-'.join(map(str, ids))}"
    by_economy = cache.get(key)
    if by_economy is None:
        by_economy = _index_by_economy(ids)
        cache.set(key, by_economy, 24 * 3600)
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
