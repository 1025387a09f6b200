"""Benchmark: faceted search of the stocktaking registry at 100,000 initiatives on PostgreSQL.

Seeds N generated initiatives (default 100,000) with action lines, SDG targets, countries and texts in the
six languages into the PostgreSQL database named by ``WSIS_DATABASE_URL`` (a scratch database: the bench
migrates it and replaces its registry rows), then times what the search page does for a mix of queries
(full text in French, Arabic, Chinese, English; facet filters; both): the filtered count, the first page
of 20, and all facet counts. Prints p50/p95 per query kind and overall (target: p95 < 50 ms), and the
ratio against a peer measured in the same run: the same queries' count and first page in plain SQL
(``search``), without facet counts. ``find`` answers from the process's in-memory facet index, which the
first (untimed) round builds; the time to build it is printed too.

Run: ``WSIS_DATABASE_URL=postgresql://... .venv/bin/python bench/registry/run.py [--entries N] [--runs R]``.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time


def _setup() -> None:
    if not os.environ.get("WSIS_DATABASE_URL", "").startswith("postgres"):
        sys.exit("set WSIS_DATABASE_URL to a scratch PostgreSQL database")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from wsis.apps.reference.sync import sync_reference
    from wsis.reference.loader import knowledge

    call_command("migrate", interactive=False, verbosity=0)
    sync_reference(knowledge())


# Stems per language, combined in pairs into a vocabulary of a few thousand words per language, so that a
# one-word query matches about as few entries as a real one (well under 1 %), not a quarter of them.
STEMS = {
    "en": [
        "broad",
        "band",
        "school",
        "women",
        "skill",
        "library",
        "health",
        "secure",
        "open",
        "data",
        "rural",
        "net",
        "mobile",
        "cloud",
        "learn",
        "farm",
        "market",
        "govern",
        "civic",
        "radio",
    ],
    "fr": [
        "haut",
        "débit",
        "école",
        "femme",
        "compétence",
        "bibliothèque",
        "santé",
        "sécurité",
        "ouvert",
        "donnée",
        "rural",
        "réseau",
        "mobile",
        "nuage",
        "savoir",
        "ferme",
        "marché",
        "civique",
    ],
    "ar": [
        "النطاق",
        "العريض",
        "المدارس",
        "النساء",
        "المهارات",
        "المكتبات",
        "الصحة",
        "الأمن",
        "مفتوح",
        "البيانات",
        "الريف",
        "الشبكة",
        "المحمول",
        "السحابة",
        "التعلم",
        "المزرعة",
        "السوق",
        "المدني",
    ],
    "zh": [
        "宽",
        "带",
        "学",
        "校",
        "妇",
        "女",
        "技",
        "能",
        "图",
        "书",
        "馆",
        "健",
        "康",
        "安",
        "全",
        "开",
        "放",
        "数",
        "据",
        "农",
        "村",
        "网",
        "络",
        "移",
        "动",
        "云",
        "市",
        "场",
        "政",
        "务",
    ],
}
WORDS = {lang: [a + b for a in stems for b in stems if a != b] for lang, stems in STEMS.items()}


def _text(rng: random.Random, lang: str, n: int) -> str:
    sep = "" if lang == "zh" else " "
    return sep.join(rng.choice(WORDS[lang]) for _ in range(n))


def seed(count: int, rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from wsis.apps.accounts.models import Organization
    from wsis.apps.reference.models import ActionLine, Economy, SdgTarget
    from wsis.apps.registry.domain.search_index import chinese_bigrams
    from wsis.apps.registry.models import Initiative, InitiativeTarget, SearchDocument

    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(
                "TRUNCATE registry_initiative, registry_searchdocument, "
                "registry_initiativetarget, registry_initiative_action_lines, "
                "registry_initiative_countries, registry_initiative_groups, "
                "registry_version, registry_decision, registry_result, registry_attachment, "
                "registry_progressreport, registry_indexchange CASCADE"
            )
        kinds = ["government", "international", "private", "civil_society", "academia", "technical"]
        orgs = [
            Organization.objects.get_or_create(
                name=f"Bench organization {i}", defaults={"stakeholder_type": kinds[i % 6]}
            )[0]
            for i in range(200)
        ]
        lines = list(ActionLine.objects.values_list("code", flat=True))
        countries = list(Economy.objects.values_list("iso3", flat=True))
        targets = list(SdgTarget.objects.values_list("code", flat=True))
        now = timezone.now()
        batch = 5000
        for start in range(0, count, batch):
            rows = []
            for i in range(start, min(count, start + batch)):
                lang = rng.choice(list(WORDS))
                rows.append(
                    Initiative(
                        organization=orgs[i % len(orgs)],
                        state="published",
                        original_language=lang,
                        title={lang: _text(rng, lang, 4)},
                        description={lang: _text(rng, lang, 20)},
                        start_date=dt.date(2010 + i % 16, 1 + i % 12, 1),
                        activity_status=rng.choice(["planned", "ongoing", "completed"]),
                        last_verified_at=now - dt.timedelta(days=rng.randint(0, 900)),
                        published_at=now,
                    )
                )
            made = Initiative.objects.bulk_create(rows)
            Initiative.action_lines.through.objects.bulk_create(
                Initiative.action_lines.through(initiative_id=e.pk, actionline_id=code)
                for e in made
                for code in rng.sample(lines, 2)
            )
            Initiative.countries.through.objects.bulk_create(
                Initiative.countries.through(initiative_id=e.pk, economy_id=code)
                for e in made
                for code in rng.sample(countries, 3)
            )
            InitiativeTarget.objects.bulk_create(
                InitiativeTarget(initiative_id=e.pk, target_id=code)
                for e in made
                for code in rng.sample(targets, 2)
            )
            SearchDocument.objects.bulk_create(
                SearchDocument(
                    initiative_id=e.pk,
                    **{
                        f"text_{e.original_language}": e.title[e.original_language]
                        + "\n"
                        + e.description[e.original_language]
                    },
                    text_all=e.title[e.original_language] + "\n" + e.description[e.original_language],
                    title_all=e.title[e.original_language],
                    zh_grams=" ".join(
                        dict.fromkeys(
                            chinese_bigrams(e.title.get("zh", "") + "\n" + e.description.get("zh", ""))
                        )
                    ),
                )
                for e in made
            )
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def queries(rng: random.Random):
    from wsis.apps.registry.domain.search import Query

    out = []
    for lang in WORDS:
        out.append((f"text {lang}", Query(text=rng.choice(WORDS[lang]))))
    out.append(("facet line", Query(filters={"line": ["C7"]})))
    out.append(("facet country+status", Query(filters={"country": ["KEN"], "status": ["ongoing"]})))
    out.append(("facet group LDC", Query(filters={"group": ["LDC"]})))
    out.append(("facet light red", Query(filters={"light": ["red"]})))
    out.append(("text fr + line", Query(text=rng.choice(WORDS["fr"]), filters={"line": ["C3"]})))
    out.append(("text zh + goal", Query(text=rng.choice(WORDS["zh"]), filters={"goal": ["4"]})))
    return out


def timed(query, with_facets: bool) -> float:
    """Ours: what the search page runs (``find``: total, first page, facets). Peer: the plain Django
    count and first page of the same search, without facets."""
    from wsis.apps.registry.domain.search import find, search

    t0 = time.perf_counter()
    if with_facets:
        find(query=query, offset=0, limit=20)
    else:
        results = search(query=query)
        results.count()
        list(results.order_by("-updated_at")[:20])
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-seed", action="store_true", help="reuse the rows of a previous run")
    args = parser.parse_args()
    _setup()
    rng = random.Random(20250)
    if not args.no_seed:
        t0 = time.perf_counter()
        seed(args.entries, rng)
        print(f"seeded {args.entries} initiatives in {time.perf_counter() - t0:.0f} s")
    qs = queries(rng)
    t0 = time.perf_counter()
    for _name, q in qs:  # warm the caches once; the first query builds the in-memory facet index
        timed(q, True)
    print(f"first round (builds the facet index) {time.perf_counter() - t0:.1f} s")
    ours: dict[str, list[float]] = {name: [] for name, _ in qs}
    peer: dict[str, list[float]] = {name: [] for name, _ in qs}
    for _ in range(args.runs):
        for name, q in qs:
            ours[name].append(timed(q, True))
            peer[name].append(timed(q, False))

    def p(values: list[float], pct: int) -> float:
        return statistics.quantiles(values, n=100)[pct - 1] if len(values) > 1 else values[0]

    print(f"{'query':24} {'p50 ms':>8} {'p95 ms':>8} {'peer p50':>9} {'ratio':>6}")
    for name, _ in qs:
        print(
            f"{name:24} {p(ours[name], 50):8.1f} {p(ours[name], 95):8.1f} {p(peer[name], 50):9.1f} "
            f"{p(ours[name], 50) / p(peer[name], 50):6.1f}"
        )
    everything = [v for values in ours.values() for v in values]
    print(
        f"{'all faceted queries':24} {p(everything, 50):8.1f} {p(everything, 95):8.1f}   (target p95 < 50 ms)"
    )


if __name__ == "__main__":
    main()
