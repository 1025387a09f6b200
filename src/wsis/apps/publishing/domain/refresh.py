"""The refresh: compute every figure the site, the API and the reports show, once, when the data change.

It runs after ``wsis import``, ``wsis reference income`` and a reference sync, and on demand
(``wsis refresh``, or the background task). Each figure is a computation of the measurement engine
(``wsis.apps.measure``, DuckDB by default), stored with its provenance as the commands store theirs; the
refresh reads every input once (``inputs.read_once``).

A refresh is one publication. Everything is computed first; then the publication, all its figures and the
switch of the current publication are one transaction. Pages read only the current publication, so they
show the previous one until that commit and the new one after it. A refresh that fails records a failed
publication with its error and leaves the previous one current; one killed midway leaves nothing but
stored computations (each complete, and reused by the next refresh through its fingerprint).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

import wsis
from wsis.apps.measure.domain import compute, inputs
from wsis.apps.measure.domain.inputs import UnknownInput
from wsis.apps.measure.domain.results import build, input_releases
from wsis.apps.measure.domain.store import save
from wsis.apps.measure.models import Computation
from wsis.apps.operations.domain.locks import writer_lock
from wsis.apps.publishing.domain import catalogue as cat
from wsis.apps.publishing.domain import pages
from wsis.apps.publishing.domain.published import Computed, ReleaseRef, releases_to_json
from wsis.apps.publishing.models import Publication, PublishedFigure
from wsis.apps.publishing.signals import publication_made
from wsis.apps.reference.models import ConnectivityTarget, Economy, Indicator, Membership, ReferenceRelease
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.measure import inequality as ineq
from wsis.engine.measure.divides import ITU_BANDS, parity_score
from wsis.engine.measure.memberships import members_on, period_date
from wsis.engine.measure.tidy import MeasureInputError
from wsis.engine.readers.observation import DISAGGREGATIONS

log = logging.getLogger(__name__)

#: Indicators whose women's and men's figures are aggregated too, with the gender parity score (para 59 of
#: the resolution): Internet use, and mobile-phone ownership (SDG 5.b.1).
BY_SEX = ("i99H", "IT_MOB_OWN")

#: Retired publications kept (with their figures) besides the current one, for comparison and rollback.
KEEP_RETIRED = 3


class RefreshFailed(RuntimeError):
    """A refresh could not complete; the previous publication stays current."""


def refresh(*, trigger: str = "manual", on_wait: Callable[[str], None] | None = None) -> Publication:
    """Compute and publish every figure; returns the new current publication. Raises
    :class:`RefreshFailed` (after recording the failure) when something goes wrong.

    Refreshes and imports take turns through the writers' lock (``operations.domain.locks``): a refresh
    never reads inputs an import is changing. ``on_wait(holder)`` is called if it must wait."""
    with writer_lock(f"refresh ({trigger})", on_wait=on_wait):
        return _refresh(trigger)


def _refresh(trigger: str) -> Publication:
    started, clock = timezone.now(), time.perf_counter()
    state = inputs_state()
    try:
        with inputs.read_once():
            figures = dict(_collect())
            page_digests = pages.digests(figures)
    except Exception as exc:
        # Any failure - bad data, a bug, the database - must leave the previous publication current and
        # say why to staff; the traceback goes to the log.
        log.exception("refresh failed")
        Publication.objects.create(
            state=Publication.State.FAILED,
            trigger=trigger,
            started_at=started,
            finished_at=timezone.now(),
            seconds=time.perf_counter() - clock,
            inputs=state,
            demonstration=state["demonstration"],
            error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=8)}",
        )
        raise RefreshFailed(f"refresh failed, the previous publication stays current: {exc}") from exc
    with transaction.atomic():
        publication = Publication.objects.create(
            state=Publication.State.CURRENT,
            trigger=trigger,
            started_at=started,
            finished_at=timezone.now(),
            seconds=time.perf_counter() - clock,
            figure_count=len(figures),
            inputs=state,
            demonstration=state["demonstration"],
            pages=page_digests,
        )
        PublishedFigure.objects.bulk_create(
            (PublishedFigure(publication=publication, key=k, value=v) for k, v in figures.items()),
            batch_size=500,
        )
        Publication.objects.filter(state=Publication.State.CURRENT).exclude(pk=publication.pk).update(
            state=Publication.State.RETIRED
        )
        transaction.on_commit(lambda: publication_made.send(sender=Publication, publication=publication))
    _prune()
    return publication


def up_to_date() -> bool:
    """True when the current publication was made from the data as they are, by this code version (and
    records its pages' digests: one made before they existed is refreshed once)."""
    found = Publication.objects.filter(state=Publication.State.CURRENT).order_by("-id").first()
    return (
        found is not None
        and found.inputs == inputs_state()
        and found.inputs.get("code_version") == wsis.__version__
        and bool(found.pages)
    )


def inputs_state() -> dict[str, Any]:
    """What the figures are computed from, kept with the publication: the releases and the reference."""
    # Releases under embargo are no input until their time (their figures are not the latest either).
    releases = list(
        Release.objects.visible()
        .order_by("id")
        .values_list("id", "publisher", "name", "observation_count", "checksum", "synthetic")
    )
    members = Membership.objects.aggregate(last=Max("id"))
    reference = ReferenceRelease.objects.aggregate(last=Max("loaded_at"))
    return {
        "releases": [
            {"id": i, "release": f"{p}: {n}", "observations": c, "checksum": s}
            for i, p, n, c, s, _ in releases
        ],
        "memberships": {"count": Membership.objects.count(), "last": members["last"]},
        "reference_loaded": reference["last"].isoformat() if reference["last"] else None,
        "code_version": wsis.__version__,
        # Figures of the demonstration world (only synthetic releases): pages banner them as such.
        "demonstration": bool(releases) and all(r[-1] for r in releases),
    }


def _prune() -> None:
    retired = Publication.objects.exclude(state=Publication.State.CURRENT).order_by("-id")
    old = list(retired.values_list("id", flat=True)[KEEP_RETIRED:])
    if old:
        Publication.objects.filter(id__in=old).delete()


def _collect() -> Iterator[tuple[str, Any]]:
    groups = inputs.known_groups()
    for indicator in cat.AGGREGATED:
        log.info("refresh: aggregates of %s over %d groups", indicator, len(groups))
        by_group = _aggregates(indicator, groups)
        for group, items in by_group.items():
            yield cat.aggregates_key(indicator, group), [c.to_json() for c in items]
            if indicator == cat.DISPERSION_OF:
                newest = newest_ok(items)
                if newest is not None:
                    found = _dispersion(indicator, group, newest.period)
                    key = cat.dispersion_key(indicator, group, newest.period)
                    yield key, found.to_json() if found else None
    for indicator in BY_SEX:
        log.info("refresh: aggregates of %s by sex", indicator)
        yield from _by_sex(indicator, groups)
    log.info("refresh: progress towards the targets")
    yield from _progress()
    log.info("refresh: composite index")
    _index()


def latest_year(indicator: str, sex: str = "_T") -> int | None:
    """The newest year any economy has a (total, or ``sex``) figure of ``indicator`` for."""
    found = (
        Observation.objects.filter(is_latest=True, indicator=indicator, area_kind="economy")
        .filter(**({d: "_T" for d in DISAGGREGATIONS} | {"sex": sex}))
        .filter(period__regex=r"^\d{4}$")
        .aggregate(last=Max("period"))["last"]
    )
    return int(found) if found else None


def newest_ok(items: list[Computed]) -> Computed | None:
    """The newest aggregate the engine did not refuse."""
    ok = [c for c in items if c.status == "ok" and c.value is not None]
    return max(ok, key=lambda c: c.period) if ok else None


def _refs(computation: Computation) -> tuple[ReleaseRef, ...]:
    return tuple(ReleaseRef.of(r) for r in input_releases(computation))


def _aggregates(indicator: str, groups: list[str]) -> dict[str, list[Computed]]:
    """The engine's aggregates of ``indicator`` over every group for the last years with data
    (population-weighted for rates of people; refused ones included, with the engine's reason), as one
    stored computation."""
    last = latest_year(indicator)
    if last is None:
        return {}
    years = list(range(last - cat.LOOKBACK_YEARS + 1, last + 1))
    try:
        computation = save(compute.aggregate(indicator, groups, years))
    except UnknownInput:
        return {}
    return _as_computed(computation, indicator)


def _as_computed(computation: Computation, indicator: str) -> dict[str, list[Computed]]:
    """A stored aggregate computation as published figures, by group."""
    releases = _refs(computation)
    unit = Indicator.objects.filter(code=indicator).values_list("unit", flat=True).first() or ""
    out: dict[str, list[Computed]] = defaultdict(list)
    for a in computation.result["aggregates"]:
        out[a["group"]].append(
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
        )
    return dict(out)


def _by_sex(indicator: str, groups: list[str]) -> Iterator[tuple[str, Any]]:
    """Women's and men's aggregates of ``indicator`` per group (engine aggregates of the F and M figures,
    each weighted by total population, as the engine assesses parity targets) and the gender parity score
    women / men with ITU's bands, under ``sex_key``. Nothing when the warehouse holds no F and M figures."""
    ends = [latest_year(indicator, sex) for sex in "FM"]
    if None in ends:
        return
    last = min(e for e in ends if e is not None)
    years = list(range(last - cat.LOOKBACK_YEARS + 1, last + 1))
    sides = {}
    for sex in "FM":
        # The engine's aggregation with a breakdown, as its progress assessment of parity targets runs it
        # (``compute.aggregate`` stores no breakdown; the same parameters are stored with the result).
        try:
            results, parameters, releases = compute.group_aggregates(
                indicator,
                groups,
                years,
                kind=None,
                impute=compute.DEFAULT_IMPUTATION,
                min_coverage=0.5,
                reported_only=False,
                release=None,
                breakdown={"sex": sex},
            )
        except UnknownInput:
            return
        computation = save(
            build(
                Computation.Kind.AGGREGATE,
                parameters=parameters,
                result={"aggregates": [r.to_dict() for r in results]},
                releases=releases,
                methodology=f"aggregate/{parameters['kind']}",
                methodology_version=compute.METHOD_VERSION,
                status="refused" if any(r.status != "ok" for r in results) else "ok",
            )
        )
        sides[sex] = _as_computed(computation, indicator)
    for group in sorted(set(sides["F"]) & set(sides["M"])):
        women = {c.period: c for c in sides["F"][group]}
        men = {c.period: c for c in sides["M"][group]}
        parity = []
        for period in sorted(set(women) & set(men)):
            f, m = women[period].value, men[period].value
            if f is None or m is None or m <= 0:
                continue
            score = parity_score(f, m)
            parity.append(
                {"period": period, "value": score, "band": ITU_BANDS.classify(score), "bands": "itu"}
            )
        yield (
            sex_key(indicator, group),
            {
                "F": [c.to_json() for c in sides["F"][group]],
                "M": [c.to_json() for c in sides["M"][group]],
                "parity": parity,
            },
        )


def sex_key(indicator: str, group: str) -> str:
    """Where the breakdown by sex of an aggregate is published: beside the aggregate's own key."""
    return f"{cat.aggregates_key(indicator, group)}/by-sex"


def _dispersion(indicator: str, group: str, period: int) -> Computed | None:
    """Inequality between the members of ``group`` in ``period`` (population-weighted Gini, Theil T,
    coefficient of variation; engine functions), on reported figures and publisher estimates only - no
    imputation. None with fewer than three members with a figure."""
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
    computation = save(
        build(
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
        releases=_refs(computation),
        members=stored["members"],
        extra=stored,
    )


def _assessment(computation: Computation) -> dict[str, Any]:
    return releases_to_json(
        {
            "assessments": computation.result["assessments"],
            "skipped": computation.result["skipped"],
            "series": computation.result.get("series", []),
            "computation": computation.pk,
            "methodology": f"{computation.methodology} ({computation.methodology_version})",
            "releases": _refs(computation),
        }
    )


def _progress() -> Iterator[tuple[str, Any]]:
    """Progress towards the world targets (for each target's group), and of every economy towards the
    targets that apply to it."""
    world = sorted(
        ConnectivityTarget.objects.filter(framework__in=cat.WORLD_TARGET_FRAMEWORKS).values_list(
            "code", flat=True
        )
    )
    if world:
        try:
            yield cat.progress_key(None), _assessment(save(compute.progress(targets=world)))
        except UnknownInput:
            pass
    today = dt.date.today()
    groups_of: dict[str, set[str]] = defaultdict(set)
    for economy, group in (
        Membership.objects.filter(valid_from__lte=today)
        .exclude(valid_to__lte=today)
        .values_list("economy_id", "group_id")
    ):
        groups_of[economy].add(group)
    targets = list(ConnectivityTarget.objects.filter(framework__in=cat.ECONOMY_TARGET_FRAMEWORKS))
    for iso3 in Economy.objects.order_by("iso3").values_list("iso3", flat=True):
        applicable = [t.code for t in cat.applicable_targets(groups_of[iso3], targets)]
        if not applicable:
            continue
        try:
            computation = save(compute.progress(economy=iso3, targets=applicable))
        except UnknownInput:
            continue
        yield cat.progress_key(iso3), _assessment(computation)


def _index() -> None:
    """The IDI where the warehouse holds its inputs: stored, and shown by the economy profiles (they read
    the newest stored index computation). Missing inputs are no failure of the refresh: profiles then say
    the index is not computed here."""
    try:
        computation = compute.index(cat.INDEX)
    except (UnknownInput, MeasureInputError) as exc:
        log.info("IDI not computed: %s", exc)
        return
    if computation.result.get("economies"):
        save(computation)
