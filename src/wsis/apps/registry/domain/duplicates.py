"""Possible duplicates of an entry, shown at submission: a similar title, the same organization,
overlapping countries, the same link. PostgreSQL ranks title candidates with pg_trgm similarity; SQLite
with the same measure computed in Python (Jaccard index of the padded-word trigram sets, as pg_trgm does),
over candidates pre-selected by the FTS trigram index."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from wsis.apps.registry.models import Initiative, SearchDocument

THRESHOLD = 0.3  # pg_trgm's default similarity threshold


@dataclass
class Candidate:
    initiative: Initiative
    score: float
    reasons: list[str] = field(default_factory=list)


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigram set: lower-cased words of letters and digits, padded with two spaces in front and
    one behind."""
    grams: set[str] = set()
    for word in re.findall(r"\w+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _title_scores(initiative: Initiative, title: str, pool) -> dict[int, float]:
    if connection.vendor == "postgresql":
        rows = (
            SearchDocument.objects.filter(initiative_id__in=pool)
            .extra(  # noqa: S610 - constant SQL, the title is a bound parameter
                select={"score": "similarity(title_all, %s)"},
                select_params=[title],
                where=["title_all %% %s"],
                params=[title],
            )
            .values_list("initiative_id", "score")
        )
        return {pk: float(score) for pk, score in rows}
    # SQLite: candidates that share at least one word trigram-wise with the title, then the exact measure.
    words = [w for w in re.findall(r"\w+", title.lower()) if len(w) >= 4]
    cond = Q()
    for w in words[:12]:
        cond |= Q(title_all__contains=w[:4])
    docs = SearchDocument.objects.filter(initiative_id__in=pool).filter(cond) if words else []
    return {d.initiative_id: similarity(title, d.title_all) for d in docs}


def similar_entries(*, initiative: Initiative, limit: int = 10) -> list[Candidate]:
    pool = (
        Initiative.objects.exclude(pk=initiative.pk).filter(same_as=None).exclude(state="draft").values("pk")
    )
    found: dict[int, Candidate] = {}

    def add(pk: int, score: float, reason: str) -> None:
        cand = found.get(pk)
        if cand is None:
            cand = found[pk] = Candidate(initiative=Initiative(pk=pk), score=0.0)
        cand.score = max(cand.score, score)
        cand.reasons.append(reason)

    title = " ".join(t for t in initiative.title.values() if t).lower()
    for pk, score in _title_scores(initiative, title, pool).items():
        if score >= THRESHOLD:
            add(pk, score, f"similar title ({score:.0%})")
    urls = [link["url"] for link in initiative.links if link.get("url")]
    if urls:
        for other in Initiative.objects.filter(pk__in=pool).only("pk", "links"):
            if any(link.get("url") in urls for link in other.links):
                add(other.pk, 1.0, "same link")
    # Same organization or shared countries only count together with another sign: alone they are common.
    same_org = set(
        Initiative.objects.filter(pk__in=pool, organization=initiative.organization_id).values_list(
            "pk", flat=True
        )
    )
    countries = set(initiative.countries.values_list("iso3", flat=True))
    sharing = (
        set(Initiative.objects.filter(pk__in=pool, countries__in=countries).values_list("pk", flat=True))
        if countries
        else set()
    )
    for pk, cand in found.items():
        if pk in same_org:
            cand.reasons.append("same organization")
            cand.score += 0.1
        if pk in sharing:
            cand.reasons.append("overlapping countries")
            cand.score += 0.05
    objects = Initiative.objects.in_bulk(list(found))
    ranked = sorted(found.values(), key=lambda c: -c.score)[:limit]
    for cand in ranked:
        cand.initiative = objects[cand.initiative.pk]
    return ranked
