"""The numbers a report states, each a :class:`Fact` with its year and what its footnote says: the source,
the release and the method. Key trends are read from the current publication of the measurement engine
(never computed here); counts come from the platform's own records (calls, registry, prizes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Sum

from wsis.apps.publishing.domain import catalogue, current
from wsis.apps.publishing.domain.published import Computed, ReleaseRef
from wsis.apps.reference.models import Economy
from wsis.apps.warehouse.models import Observation, Release
from wsis.engine.readers.observation import DISAGGREGATIONS

#: The series people offline are counted with (the weights of the engine's population-weighted aggregates).
POPULATION = "SP.POP.TOTL"


@dataclass(frozen=True)
class Fact:
    """One number of a report. ``unit``: percent, people, count, score or ratio."""

    key: str
    label: str  # what it is, in English, for the JSON and CSV of figures
    value: float
    unit: str
    year: int | None
    source: str
    release: str
    method: str
    computation: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _sources(releases: Iterable[ReleaseRef]) -> tuple[str, str]:
    unique = sorted({r.id: r for r in releases}.values(), key=lambda r: r.id)
    publishers = ", ".join(dict.fromkeys(r.publisher for r in unique))
    names = "; ".join(f"{r.publisher}: {r.name} ({r.date.isoformat()}, release {r.id})" for r in unique)
    return publishers, names


def aggregate_fact(key: str, label: str, indicator: str, group: str, year: int, computed: Computed) -> Fact:
    publishers, releases = _sources(computed.releases)
    imputed = f"{computed.imputed_share:.0%}" if computed.imputed_share is not None else "n.a."
    return Fact(
        key=key,
        label=label,
        value=float(computed.value or 0.0),
        unit="percent" if computed.unit in ("percent", "%") else computed.unit,
        year=computed.period,
        source=publishers,
        release=releases,
        method=(
            f"{computed.methodology}: population-weighted mean over {computed.members} members, "
            f"imputed share {imputed}; computation {computed.computation}"
        ),
        computation=computed.computation,
        extra={"indicator": indicator, "group": group, "report_year": year},
    )


def newest_aggregate(indicator: str, group: str, year: int) -> Computed | None:
    """The newest aggregate the engine did not refuse with a period no later than ``year``."""
    found = current.figure(catalogue.aggregates_key(indicator, group)) or []
    ok = [
        Computed.from_json(c)
        for c in found
        if c["status"] == "ok" and c["value"] is not None and int(c["period"]) <= year
    ]
    return max(ok, key=lambda c: c.period) if ok else None


def world_population(period: int) -> tuple[float, ReleaseRef] | None:
    """The summed population of every economy of the reference knowledge in ``period`` (the weights of
    the world aggregate), with the release it comes from; None without it."""
    rows = Observation.objects.visible().filter(
        is_latest=True,
        indicator=POPULATION,
        area_kind="economy",
        period=str(period),
        area__in=Economy.objects.values("iso3"),
        **{d: "_T" for d in DISAGGREGATIONS},
    )
    total = rows.aggregate(total=Sum("value"))["total"]
    release_id = rows.values_list("release_id", flat=True).first()
    if not total or release_id is None:
        return None
    return float(total), ReleaseRef.of(Release.objects.get(pk=release_id))


def offline_fact(world: Computed, year: int) -> Fact | None:
    """People offline: the world's population times the share not using the Internet (the population
    weights of the world aggregate itself)."""
    found = world_population(world.period)
    if found is None or world.value is None:
        return None
    population, release = found
    publishers, releases = _sources([*world.releases, release])
    return Fact(
        key="trends.offline.WLD",
        label="People not using the Internet, world",
        value=population * (100.0 - world.value) / 100.0,
        unit="people",
        year=world.period,
        source=publishers,
        release=releases,
        method=(
            f"(100 - world Internet use) % of the population of every economy ({POPULATION}, "
            f"{population:,.0f} in {world.period}); computation {world.computation}"
        ),
        computation=world.computation,
        extra={"population": population, "internet_use": world.value, "report_year": year},
    )


def progress_facts(codes: Sequence[str], year: int) -> tuple[list[tuple[dict[str, Any], Fact]], list[dict]]:
    """The published world assessment of the targets ``codes``: (assessment, fact of its current value)
    for those assessed with a value no later than ``year``, and the skipped or not assessed ones with why."""
    found = current.figure(catalogue.progress_key(None))
    if not found:
        return [], [{"code": c, "reason": "no progress assessment in the current publication"} for c in codes]
    releases = tuple(ReleaseRef.from_dict(r) for r in found["releases"])
    publishers, names = _sources(releases)
    assessed, skipped = [], [s for s in found["skipped"] if s["code"] in codes]
    for a in found["assessments"]:
        if a["code"] not in codes:
            continue
        if a.get("current_value") is None or a.get("current_year") is None or a["current_year"] > year:
            skipped.append({"code": a["code"], "reason": a.get("reason") or a.get("status") or ""})
            continue
        fact = Fact(
            key=f"targets.{a['code']}",
            label=(
                f"{a['code']}: {a['indicator']} for {a['economy']} "
                f"(target {a['target']:g} by {a['target_year']})"
            ),
            value=float(a["current_value"]),
            unit="percent",
            year=int(a["current_year"]),
            source=publishers,
            release=names,
            method=(
                f"{found['methodology']}: {a['status']} (ratio of actual to required growth "
                f"{a['progress_value']:.2f} from {a['base_year']}); computation {found['computation']}"
                if a.get("progress_value") is not None
                else f"{found['methodology']}: {a['status']}; computation {found['computation']}"
            ),
            computation=found["computation"],
            extra={"code": a["code"], "status": a["status"], "target": a["target"], "report_year": year},
        )
        assessed.append((a, fact))
    return assessed, skipped


def count_fact(key: str, label: str, value: int, *, source: str, release: str, method: str) -> Fact:
    return Fact(
        key=key,
        label=label,
        value=value,
        unit="count",
        year=None,
        source=source,
        release=release,
        method=method,
    )


def sex_key(indicator: str, group: str) -> str:
    """Where a refresh publishes the breakdown by sex of an aggregate (``publishing.domain.refresh``,
    which reports may not import: it runs the engine)."""
    return f"{catalogue.aggregates_key(indicator, group)}/by-sex"


@dataclass(frozen=True)
class SexFacts:
    """Women's and men's figures of one group and year, and their gender parity score."""

    female: Fact
    male: Fact
    parity: Fact
    band: str


def sex_facts(indicator: str, label: str, group: str, year: int) -> SexFacts | None:
    """The newest year no later than ``year`` in which the current publication has the women's and the
    men's aggregates of ``indicator`` for ``group`` (both accepted by the engine) and their parity score."""
    found = current.figure(sex_key(indicator, group))
    if not found:
        return None
    women = {c["period"]: c for c in found["F"] if c["status"] == "ok" and c["value"] is not None}
    men = {c["period"]: c for c in found["M"] if c["status"] == "ok" and c["value"] is not None}
    scores = {p["period"]: p for p in found["parity"]}
    periods = [p for p in set(women) & set(men) & set(scores) if int(p) <= year]
    if not periods:
        return None
    period = max(periods)
    common = {"indicator": indicator, "group": group, "report_year": year}
    f = aggregate_fact(
        f"trends.gender.{indicator}.{group}.F",
        f"{label}, women, {group}",
        indicator,
        group,
        year,
        Computed.from_json(women[period]),
    )
    m = aggregate_fact(
        f"trends.gender.{indicator}.{group}.M",
        f"{label}, men, {group}",
        indicator,
        group,
        year,
        Computed.from_json(men[period]),
    )
    score = scores[period]
    publishers, releases = _sources(
        [*Computed.from_json(women[period]).releases, *Computed.from_json(men[period]).releases]
    )
    parity = Fact(
        key=f"trends.gender.{indicator}.{group}.parity",
        label=f"Gender parity score of {label.lower()}, {group}",
        value=float(score["value"]),
        unit="ratio",
        year=int(period),
        source=publishers,
        release=releases,
        method=(
            f"gender parity score (ITU): women's / men's aggregate, {score['bands']} bands "
            "(parity 0.98-1.02); "
            f"computations {women[period]['computation']} (women) and {men[period]['computation']} (men)"
        ),
        computation=women[period]["computation"],
        extra={**common, "band": score["band"], "female": f.value, "male": m.value},
    )
    return SexFacts(female=f, male=m, parity=parity, band=score["band"])


def sex_refusal(indicator: str, label: str, group: str, year: int) -> Fact | None:
    """When the engine refused the women's aggregate of ``indicator`` for ``group`` (too few of its people
    covered by figures by sex), the newest such refusal no later than ``year``: the share of the group's
    population with a reported figure, footnoted with the engine's reason. None otherwise."""
    found = current.figure(sex_key(indicator, group))
    refused = [
        c
        for c in (found or {}).get("F", [])
        if c["status"] == "refused" and c.get("reported_share") is not None and int(c["period"]) <= year
    ]
    if not refused:
        return None
    newest = Computed.from_json(max(refused, key=lambda c: c["period"]))
    publishers, releases = _sources(newest.releases)
    return Fact(
        key=f"trends.gender.{indicator}.{group}.coverage",
        label=f"Population of {group} with a reported figure of {label.lower()} by sex",
        value=100.0 * float(newest.reported_share or 0.0),
        unit="percent",
        year=newest.period,
        source=publishers,
        release=releases,
        method=f"{newest.methodology}: {newest.message}; computation {newest.computation}",
        computation=newest.computation,
        extra={"indicator": indicator, "group": group, "report_year": year, "status": "refused"},
    )


def missing_series(indicators: Sequence[str]) -> list[str]:
    """Of ``indicators``, those the warehouse holds no economy's figure of: the inputs a computation of
    the publication lacks, named as such in the report."""
    held = set(
        Observation.objects.filter(indicator__in=list(indicators), area_kind="economy")
        .values_list("indicator", flat=True)
        .distinct()
    )
    return [i for i in indicators if i not in held]
