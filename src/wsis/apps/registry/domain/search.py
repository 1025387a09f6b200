"""Full-text search and facets over published entries.

PostgreSQL: each language is matched with its own text-search configuration (stemming for Arabic,
English, French, Russian, Spanish; ``simple`` for any other content language) on stored vectors, and
Chinese, which has no spaces between words, by substring, found through an index of character pairs (or
trigrams). SQLite: one FTS5 trigram index over
all languages, so any substring of three or more characters matches in every script; shorter terms (two
Chinese characters are a word) fall back to LIKE.

``find`` (the search page, the API list) takes filters, facet counts and the page order from the
in-memory bitmap index of ``facet_index``; ``search`` and ``facets`` answer the same in SQL, for any
queryset."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.utils import timezone

from wsis.apps.registry.domain import RegistryError, facet_index
from wsis.apps.registry.domain.search_index import chinese_bigrams
from wsis.apps.registry.domain.verification import light_filter
from wsis.apps.registry.enums import ActivityStatus, Kind, Light, State
from wsis.apps.registry.models import Initiative, SearchDocument

#: Text-search configuration of each stored vector; ``other`` (content languages beyond the six, such as
#: Dutch from an IATI file) uses ``simple``: lower-cased words, no stemming, right for any language.
PG_CONFIGS = {
    "ar": "arabic",
    "en": "english",
    "fr": "french",
    "ru": "russian",
    "es": "spanish",
    "other": "simple",
}
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


class SearchTextError(RegistryError):
    """The search text cannot be searched (a NUL character, which PostgreSQL refuses in any text)."""


@dataclass
class Query:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    organization: int | None = None

    def __post_init__(self) -> None:
        # Refused here, whatever the door, rather than as a database error (a 500) deep in the search.
        if "\x00" in self.text:
            raise SearchTextError("q: the search text contains a NUL character (\\x00); remove it")


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
    """Chinese text (no spaces between words) by substring on the Chinese column, found through the index
    of its character pairs (or trigrams); other scripts with each language's text-search configuration
    on the stored vectors, plus the Chinese column for Latin words of 3+ characters (such as "LTE" inside
    Chinese text). Keeping the branches apart lets PostgreSQL combine the GIN indexes instead of scanning
    every row."""
    like = f"%{_escape_like(text)}%"
    if CJK.search(text):
        where, params = "text_zh ILIKE %s ESCAPE '\\'", [like]
        grams = sorted(set(chinese_bigrams(text)))
        if grams:
            # The pairs narrow by index; the substring condition then keeps exact matches only.
            where, params = f"zh_gram_array @> %s::text[] AND {where}", [grams, like]
    else:
        branches = [
            f"tsv_{lang} @@ plainto_tsquery('{config}'::regconfig, %s)" for lang, config in PG_CONFIGS.items()
        ]
        params = [text] * len(PG_CONFIGS)
        if len(text) >= 3:
            branches.append("text_zh ILIKE %s ESCAPE '\\'")
            params.append(like)
        where = "(" + " OR ".join(branches) + ")"
    # The columns are those of migration 0005 (stored vectors, an array of character pairs) with GIN
    # indexes; configuration names are constants and the user's text is a bound parameter.
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
    """One page of results, the total and every facet count, from the in-memory bitmap index of the public
    entries (``facet_index``); only the full-text match and the page's rows come from the database.
    ``search`` and ``facets`` give the same answers in SQL. ``id_list_limit`` is kept for callers of the
    SQL era and no longer used."""
    text_ids = None
    if query.text.strip():
        text_ids = np.fromiter(
            matching_documents(text=query.text).values_list("initiative_id", flat=True), dtype=np.int64
        )
    now = timezone.now()
    index, lock = facet_index.current()
    try:
        lights = index.lights(now)
        result = np.packbits(index.public, bitorder="little").view(np.uint64)
        if text_ids is not None:
            result = result & facet_index.mask_of(text_ids, index.words)
        if query.organization:
            result = result & index.where(index.org, np.array([query.organization]))
        for name, values in query.filters.items():
            if values:
                chosen = _index_filter(index, name, values, lights)
                if chosen is not None:
                    result = result & chosen
        ids = facet_index.ids_of(result)
        page = _page(ids, index.updated[ids], offset, limit)
        counts = _index_counts(index, result, ids, lights)
    finally:
        lock.release()
    by_pk = Initiative.objects.select_related("organization", "same_as").in_bulk([int(i) for i in page])
    return Found(total=len(ids), entries=[by_pk[i] for i in page if i in by_pk], facets=counts)


def _index_filter(index, name: str, values: list[str], lights: dict) -> np.ndarray | None:
    """The bit row of the entries that have one of ``values`` of facet ``name``: the same rule as
    ``_filter`` below, which does it in SQL."""
    derived = index.derived()
    if name == "line":
        return index.any_of(index.rows["line"], values) | index.any_of(derived["lineparent"], values)
    if name in ("goal", "group"):
        return index.any_of(derived[name], values)
    if name in ("target", "country"):
        return index.any_of(index.rows[name], values)
    if name == "region":
        return index.any_of(derived["region"], values) | index.any_of(derived["subregion"], values)
    if name == "stakeholder":
        codes = [facet_index.STAKEHOLDERS.index(v) for v in values if v in facet_index.STAKEHOLDERS]
        return index.where(index.stakeholder, codes)
    if name == "status":
        return index.where(
            index.status, [facet_index.STATUS.index(v) for v in values if v in ActivityStatus.values]
        )
    if name == "kind":
        return index.where(index.kind, [facet_index.KINDS.index(v) for v in values if v in Kind.values])
    if name == "year":
        return index.where(index.year, [int(v) for v in values if v.isdigit()])
    if name == "light":
        out = np.zeros(index.words, dtype=np.uint64)
        for colour in values:
            if colour in lights:
                out |= lights[colour]
        return out
    return None


def _page(ids: np.ndarray, updated: np.ndarray, offset: int, limit: int) -> list[int]:
    """Ids of one page, newest update first then highest id (the model's ordering), without sorting
    every result: only those at or above the page's last update time are sorted."""
    wanted = offset + limit
    if wanted <= 0 or not len(ids):
        return []
    if wanted < len(ids):
        cut = np.partition(-updated, wanted - 1)[wanted - 1]
        keep = -updated <= cut
        ids, updated = ids[keep], updated[keep]
    order = np.lexsort((-ids, -updated))
    return [int(i) for i in ids[order][offset:wanted]]


def _index_counts(index, result: np.ndarray, ids: np.ndarray, lights: dict) -> dict:
    if not len(ids):
        return {name: [] for name in FACETS}
    derived = index.derived()

    def rows(source) -> list[tuple[str, int]]:
        keys, matrix = source.matrix()
        if not keys:
            return []
        n = np.bitwise_count(matrix & result).sum(axis=1)
        return _counts((k, int(c)) for k, c in zip(keys, n, strict=True) if c)

    def single(array: np.ndarray, names) -> list[tuple[str, int]]:
        # Codes are small non-negative integers (-1: none), so counting is one linear pass, no sort.
        n = np.bincount(array[ids].astype(np.int64) + 1)
        return _counts((names(int(v) - 1), int(c)) for v in np.flatnonzero(n) if (c := n[v]))

    shining = {c: facet_index.popcount(row & result) for c, row in lights.items()}
    return {
        "line": rows(index.rows["line"]),
        "goal": rows(derived["goal"]),
        "target": rows(index.rows["target"])[:30],
        "country": rows(index.rows["country"])[:30],
        "region": rows(derived["region"]),
        "group": rows(derived["group"]),
        "stakeholder": single(index.stakeholder, lambda v: facet_index.STAKEHOLDERS[v] if v >= 0 else None),
        "status": single(index.status, lambda v: facet_index.STATUS[v] if v >= 0 else None),
        "year": sorted(single(index.year, lambda v: v if v > 0 else None), reverse=True),
        "light": [(c, shining[c]) for c in Light.values if shining.get(c)],
        "kind": single(index.kind, lambda v: facet_index.KINDS[v] if v >= 0 else None),
    }


def facets(
    *, results: QuerySet[Initiative], id_list_limit: int = ID_LIST_LIMIT
) -> dict[str, list[tuple[str, int]]]:
    """Counts of any queryset of entries per facet value, most frequent first, in SQL (``find`` counts the
    public entries from the in-memory index instead)."""
    found = list(results.order_by().values_list("pk", flat=True)[: id_list_limit + 1])
    return _facets_of(results, found, id_list_limit)


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
