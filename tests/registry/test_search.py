"""Search in French, Arabic and Chinese text, on whichever database the run uses, and the facets."""

from __future__ import annotations

import pytest

from tests.registry import factories
from wsis.apps.registry.domain.search import Query, facets, search

TEXTS = {
    "fr": (
        "Formation aux compétences numériques des femmes rurales",
        "Des ateliers de formation numérique dans les bibliothèques municipales.",
    ),
    "ar": (
        "تدريب النساء الريفيات على المهارات الرقمية",
        "ورش عمل للتدريب على المهارات الرقمية في المكتبات العامة.",
    ),
    "zh": ("农村妇女数字技能培训", "在公共图书馆开展数字技能培训讲习班。"),
}


@pytest.fixture
def entries(world):
    made = {}
    for lang, (title, description) in TEXTS.items():
        made[lang] = factories.entry(
            world.org,
            world.owner,
            "published",
            original_language=lang,
            title={lang: title},
            description={lang: description},
            summary={},
            action_lines=["C4"],
            countries=["SEN"],
        )
    return made


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "compétences numériques"),
        ("fr", "bibliothèques"),
        ("ar", "المهارات الرقمية"),
        ("ar", "المكتبات"),
        ("zh", "数字技能"),
        ("zh", "图书馆"),
        ("zh", "培训"),
    ],
)
def test_finds_each_language(entries, lang, text, client):
    found = set(search(query=Query(text=text)).values_list("pk", flat=True))
    assert entries[lang].pk in found
    others = {e.pk for code, e in entries.items() if code != lang}
    assert not found & others, f"{text!r} also matched entries in other languages"
    page = client.get("/fr/registry/", {"q": text}).content.decode()
    assert TEXTS[lang][0] in page


def test_unknown_words_find_nothing(entries):
    assert not search(query=Query(text="photovoltaïque")).exists()
    assert not search(query=Query(text="区块链")).exists()


def test_unpublished_entries_are_not_found(world):
    assert not search(query=Query(text="Community broadband")).filter(pk=world.draft.pk).exists()


def test_facets_count_and_filter(world, entries):
    results = search(query=Query(filters={"line": ["C4"]}))
    assert set(results.values_list("pk", flat=True)) == {e.pk for e in entries.values()}
    counts = dict(facets(results=results)["country"])
    assert counts == {"SEN": 3}
    by_group = search(query=Query(filters={"group": ["LDC"]}))
    assert set(by_group.values_list("pk", flat=True)) >= {e.pk for e in entries.values()}  # Senegal is an LDC
    assert not search(query=Query(filters={"group": ["SIDS"], "line": ["C4"]})).exists()
    assert dict(facets(results=results)["light"]) == {"green": 3}
    assert dict(facets(results=results)["stakeholder"]) == {"civil_society": 3}
    api = client_json(f"/api/v1/registry/initiatives?line=C4&q={TEXTS['zh'][0][:4]}")
    assert [r["id"] for r in api["results"]] == [entries["zh"].pk]


def client_json(url):
    from django.test import Client

    return Client().get(url).json()


def test_group_facet_counts_members_through_countries(entries, world):
    results = search(query=Query(filters={"line": ["C4"]}))
    groups = dict(facets(results=results)["group"])
    assert groups["LDC"] == 3  # Senegal is a least developed country today
    assert "SIDS" not in groups
    assert dict(facets(results=search(query=Query(text="区块链")))["group"]) == {}


def test_facet_links_keep_the_other_filters(entries, client):
    page = client.get("/fr/registry/", {"line": "C4"}).content.decode()
    assert "Sénégal" in page  # country facet value shown by its name in the page's language
    assert "?line=C4&amp;country=SEN" in page
    narrowed = client.get("/fr/registry/", {"line": "C4", "country": "SEN", "status": "ongoing"})
    assert narrowed.status_code == 200 and "Grandes orientations" in narrowed.content.decode()


def test_find_pages_and_counts_once(entries, client):
    from wsis.apps.registry.domain.search import find

    page = find(query=Query(filters={"line": ["C4"]}), offset=1, limit=1)
    assert page.total == 3 and len(page.entries) == 1 and dict(page.facets["country"]) == {"SEN": 3}
    # The SQL counts agree, above their id-list limit too (the temporary-table path).
    results = search(query=Query(filters={"line": ["C4"]}))
    assert facets(results=results, id_list_limit=2) == facets(results=results) == page.facets
    html = client.get("/en/registry/", {"line": "C4"}).content.decode()
    assert "3 entries" in html
