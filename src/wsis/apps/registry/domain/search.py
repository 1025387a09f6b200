"""Full-text search and facets over published entries.

PostgreSQL: each language column is matched with its own text-search configuration (stemming for Arabic,
English, French, Russian, Spanish) and Chinese, which has no spaces between words, by substring with a
trigram index. SQLite: one FTS5 trigram index over all languages, so any substring of three or more
characters matches in every script; shorter terms (two Chinese characters are a word) fall back to LIKE."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.utils import timezone

from wsis.apps.registry.domain.verification import light_filter
from wsis.apps.registry.enums import Light, State
from wsis.apps.registry.models import Initiative, SearchDocument

PG_CONFIGS = {"ar": "arabic", "en": "english", "fr": "french", "ru": "russian", "es": "spanish"}
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
FACETS = [
    "line",
    "goal",
    "target",
    "country",
    "region",
    "group",
    "stakeholder",
    "status",
    "year",
    "light",
    "kind",
]
# Up to this many results, their ids are fetched and passed as a list; beyond, a temporary table holds them.
ID_LIST_LIMIT = 5000


@dataclass
class Query:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    organization: int | None = None


def public_entries() -> QuerySet[Initiative]:
    """What everyone sees: published, not merged into another entry, not inactive."""
    return Initiative.objects.filter(state=State.PUBLISHED, same_as=None, inactive_since=None)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching_documents(*, text: str) -> QuerySet:
    """Ids (initiative_id) of the search documents that match every term of ``text``."""
    terms = [t for t in re.split(r"\s+", text.strip()) if t]
    docs = SearchDocument.objects.all()
    if not terms:
        return docs.values("initiative_id")
    if connection.vendor == "postgresql":
        return _postgresql_matches(docs, text.strip())
    long_terms = [t for t in terms if len(t) >= 3]
    for term in terms:
        if len(term) < 3:
            docs = docs.filter(text_all__icontains=term)
    if long_terms:
        # FTS5 phrase syntax: each term quoted (quotes doubled) so that punctuation is literal.
        match = " ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        docs = docs.filter(
            initiative_id__in=RawSQL(
                "SELECT rowid FROM registry_search WHERE registry_search MATCH %s", [match]
            )
        )
    return docs.values("initiative_id")


def _postgresql_matches(docs: QuerySet, text: str) -> QuerySet:
    """Chinese text (no spaces between words) by substring on the Chinese column; other scripts with each
    language's text-search configuration, plus the Chinese column for Latin words of 3+ characters (such as
    "LTE" inside Chinese text). Keeping the branches apart lets PostgreSQL combine the GIN indexes instead
    of scanning every row."""
    like = f"%{_escape_like(text)}%"
    if CJK.search(text):
        where, params = "text_zh ILIKE %s ESCAPE '\\'", [like]
    else:
        branches = [
            f"to_tsvector('{config}'::regconfig, COALESCE(text_{lang}, ''))"
            f" @@ plainto_tsquery('{config}'::regconfig, %s)"
            for lang, config in PG_CONFIGS.items()
        ]
        params = [text] * len(PG_CONFIGS)
        if len(text) >= 3:
            branches.append("text_zh ILIKE %s ESCAPE '\\'")
            params.append(like)
        where = "(" + " OR ".join(branches) + ")"
    # The expressions must be written exactly as the indexes of migration 0002 for PostgreSQL to use them;
    # configuration names are constants and the user's text is a bound parameter.
    return docs.extra(where=[where], params=params).values("initiative_id")  # noqa: S610


def _filter(qs: QuerySet[Initiative], name: str, values: list[str], today: dt.date) -> QuerySet[Initiative]:
    if name == "line":
        return qs.filter(Q(action_lines__in=values) | Q(action_lines__parent__in=values))
    if name == "goal":
        return qs.filter(targets__target__goal__in=values)
    if name == "target":
        return qs.filter(targets__target__in=values)
    if name == "country":
        return qs.filter(countries__in=values)
    if name == "region":
        return qs.filter(Q(countries__region__in=values) | Q(countries__subregion__in=values))
    if name == "group":
        from wsis.apps.reference.models import Membership

        current = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        members = Membership.objects.filter(current, group__in=values).values("economy_id")
        return qs.filter(Q(groups__in=values) | Q(countries__in=members))
    if name == "stakeholder":
        return qs.filter(organization__stakeholder_type__in=values)
    if name == "status":
        return qs.filter(activity_status__in=values)
    if name == "kind":
        return qs.filter(kind__in=values)
    if name == "year":
        return qs.filter(start_date__year__in=[int(v) for v in values if v.isdigit()])
    if name == "light":
        cond = Q()
        for colour in values:
            if colour in Light.values:
                cond |= light_filter(colour=colour)
        return qs.filter(cond)
    return qs


def search(*, query: Query, base: QuerySet[Initiative] | None = None) -> QuerySet[Initiative]:
    qs = public_entries() if base is None else base
    if query.text.strip():
        qs = qs.filter(pk__in=matching_documents(text=query.text))
    if query.organization:
        qs = qs.filter(organization_id=query.organization)
    today = timezone.now().date()
    for name, values in query.filters.items():
        if values:
            # Each facet narrows through a subquery, so that joins of two facets do not multiply rows.
            qs = qs.filter(pk__in=_filter(Initiative.objects.all(), name, values, today).values("pk"))
    return qs


@dataclass
class Found:
    """One page of results, the total and the facet counts: what the search page and the API show."""

    total: int
    entries: list[Initiative]
    facets: dict[str, list[tuple[str, int]]]


def find(*, query: Query, offset: int = 0, limit: int = 20, id_list_limit: int = ID_LIST_LIMIT) -> Found:
    """Search once: the matching ids are fetched a single time (when there are not too many) and reused for
    the total, the page and the facets, instead of running the full-text search three times."""
    results = search(query=query)
    found = list(results.order_by().values_list("pk", flat=True)[: id_list_limit + 1])
    small = len(found) <= id_list_limit
    pool = Initiative.objects.filter(pk__in=found) if small else results
    entries = list(
        pool.select_related("organization", "same_as").order_by("-updated_at", "-pk")[offset : offset + limit]
    )
    return Found(
        total=len(found) if small else results.count(),
        entries=entries,
        facets=_facets_of(results, found, id_list_limit),
    )


def facets(*, results: QuerySet[Initiative]) -> dict[str, list[tuple[str, int]]]:
    """Counts of the results per facet value, most frequent first."""
    found = list(results.order_by().values_list("pk", flat=True)[: ID_LIST_LIMIT + 1])
    return _facets_of(results, found, ID_LIST_LIMIT)


def _facets_of(
    results: QuerySet[Initiative], found: list[int], id_list_limit: int
) -> dict[str, list[tuple[str, int]]]:
    """The results are materialised once (a list of ids, or a temporary table for large results: both
    engines have them), so that the counting queries join plain ids instead of re-running the search."""
    if not found:
        return {name: [] for name in FACETS}
    if len(found) <= id_list_limit:
        return _facet_counts(found)
    sql, params = results.order_by().values("pk").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS registry_hits")
        cursor.execute("CREATE TEMPORARY TABLE registry_hits (id bigint PRIMARY KEY)")
        cursor.execute(f"INSERT INTO registry_hits (id) {sql}", params)  # noqa: S608 - SQL made by Django
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE registry_hits")  # temporary tables have no statistics until analysed
        try:
            return _facet_counts(RawSQL("SELECT registry_hits.id FROM registry_hits", []))
        finally:
            cursor.execute("DROP TABLE registry_hits")


def _facet_counts(ids) -> dict[str, list[tuple[str, int]]]:
    from wsis.apps.registry.models import InitiativeTarget

    out: dict[str, list[tuple[str, int]]] = {}
    through = Initiative.action_lines.through.objects.filter(initiative_id__in=ids)
    out["line"] = _counts(through.values_list("actionline_id").annotate(n=Count("id")))
    targets = InitiativeTarget.objects.filter(initiative_id__in=ids)
    out["goal"] = _counts(
        targets.values_list("target__goal_id").annotate(n=Count("initiative_id", distinct=True))
    )
    out["target"] = _counts(targets.values_list("target_id").annotate(n=Count("id")))[:30]
    countries = Initiative.countries.through.objects.filter(initiative_id__in=ids)
    out["country"] = _counts(countries.values_list("economy_id").annotate(n=Count("id")))[:30]
    out["region"] = _counts(
        countries.values_list("economy__region_id").annotate(n=Count("initiative_id", distinct=True))
    )
    out["group"] = _group_counts(ids)
    out.update(_row_counts(ids))
    return out


def _row_counts(ids) -> dict[str, list[tuple[str, int]]]:
    """The facets that are columns of the entry itself, counted in one grouped query."""
    colour = Case(
        *[When(light_filter(colour=c), then=Value(c)) for c in Light.values],
        default=Value(""),
        output_field=CharField(),
    )
    rows = (
        Initiative.objects.filter(pk__in=ids)
        .annotate(y=ExtractYear("start_date"), colour=colour)
        .values_list("organization__stakeholder_type", "activity_status", "kind", "y", "colour")
        .annotate(n=Count("id"))
        .order_by()
    )
    tallies: dict[str, dict] = {name: {} for name in ("stakeholder", "status", "kind", "year", "light")}
    for stakeholder, status, kind, year, light, n in rows:
        for name, key in (
            ("stakeholder", stakeholder),
            ("status", status),
            ("kind", kind),
            ("year", year),
            ("light", light),
        ):
            if key not in (None, ""):
                tallies[name][key] = tallies[name].get(key, 0) + n
    out = {name: _counts(counts.items()) for name, counts in tallies.items()}
    out["year"] = sorted(out["year"], reverse=True)
    lights = dict(out["light"])
    out["light"] = [(c, lights[c]) for c in Light.values if c in lights]
    return out


def _group_counts(ids) -> list[tuple[str, int]]:
    """An entry is in a group (LDC, LLDC, SIDS, region, income) when it names the group or one of its
    countries is a member today - the same rule as the group filter."""
    from wsis.apps.reference.models import Membership

    today = timezone.now().date()
    current = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gt=today))
    via_countries = (
        Membership.objects.filter(current)
        .filter(economy__initiatives__in=ids)
        .annotate(g=F("group_id"), i=F("economy__initiatives"))
        .values_list("g", "i")
        .order_by()
    )
    named = (
        Initiative.groups.through.objects.filter(initiative_id__in=ids)
        .annotate(g=F("group_id"), i=F("initiative_id"))
        .values_list("g", "i")
        .order_by()
    )
    sql_a, params_a = via_countries.query.sql_with_params()
    sql_b, params_b = named.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g, COUNT(DISTINCT i) FROM ({sql_a} UNION {sql_b}) AS hits GROUP BY g",  # noqa: S608
            [*params_a, *params_b],
        )
        return _counts(cursor.fetchall())


def _counts(rows) -> list[tuple[str, int]]:
    return sorted(((str(k), n) for k, n in rows if k is not None), key=lambda kv: (-kv[1], kv[0]))
