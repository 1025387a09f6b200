"""Finding 2 of issue 14: a server process that built its search index while a facet had no key answered
its next search after a publish with a 500 (``rows.bits &= clear`` on a (0, 1) array), then served stale
results until a restart.

A gunicorn worker lives through many publishes with one in-memory index. Here one index object lives
through the whole test: it starts on an empty registry and sees entries published one facet at a time,
with searches (the page and ``find``) between the steps, each compared with the plain-SQL search."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.registry import factories
from wsis.apps.registry.domain import facet_index
from wsis.apps.registry.domain.search import FACETS, Query, facets, find, search
from wsis.apps.registry.models import Initiative

# Each step publishes one entry that fills one more facet than the entries before it.
STEPS = [
    ("only an action line", {"action_lines": ["C2"], "countries": [], "targets": []}),
    ("a country", {"action_lines": ["C7.d"], "countries": ["SEN"], "targets": []}),
    (
        "an SDG target",
        {"action_lines": ["C3"], "countries": [], "targets": [{"code": "4.4", "evidence": "x"}]},
    ),
    ("a named group", {"action_lines": ["C4"], "countries": [], "targets": [], "groups": ["SIDS"]}),
    (
        "another status, kind and year",
        {
            "action_lines": ["C2"],
            "countries": ["FJI"],
            "targets": [],
            "activity_status": "completed",
            "start_date": dt.date(2019, 3, 1),
        },
    ),
]
QUERIES = [
    Query(),
    Query(filters={"line": ["C2"]}),
    Query(filters={"line": ["C7"]}),
    Query(filters={"country": ["SEN"]}),
    Query(filters={"group": ["SIDS"]}),
    Query(filters={"group": ["LDC"]}),
    Query(filters={"goal": ["4"]}),
    Query(filters={"region": ["002"]}),
    Query(filters={"status": ["completed"]}),
    Query(filters={"year": ["2019"]}),
    Query(text="broadband"),
]


def _same_as_sql(query: Query) -> None:
    found = find(query=query, limit=50)
    results = search(query=query)
    assert found.total == results.count(), query
    assert [e.pk for e in found.entries] == list(
        results.order_by("-updated_at", "-pk").values_list("pk", flat=True)[:50]
    ), query
    assert found.facets == facets(results=results), query


@pytest.fixture
def people(db):
    owner = factories.user("owner")
    from wsis.apps.accounts.domain.organizations import create_organization

    org = create_organization(creator=owner, name="Rural Connect", stakeholder_type="civil_society")
    return owner, org


def test_one_index_lives_through_publishes_one_facet_at_a_time(client, people):
    owner, org = people
    assert not Initiative.objects.exists()
    index = facet_index._index
    find(query=Query())  # the worker's first search builds its index on an empty registry
    assert index.public.sum() == 0
    published = []
    for n, (step, shape) in enumerate(STEPS):
        entry = factories.entry(
            org, owner, "published", title={"en": f"Community broadband step {n}"}, **{"groups": [], **shape}
        )
        published.append(entry.pk)
        # The search page first, as a visitor would: 200, and the new entry is listed.
        page = client.get("/en/registry/", {"q": "broadband"})
        assert page.status_code == 200, step
        assert f"WSIS-{entry.pk:06d}" in page.content.decode(), step
        for query in QUERIES:
            _same_as_sql(query)
        assert sorted(e.pk for e in find(query=Query(), limit=50).entries) == sorted(published), step
        assert facet_index._index is index  # never replaced: the same object, as in a long-lived worker
    # An edit that empties a facet again (the only entry naming a group drops it) keeps the index right.
    from wsis.apps.registry.domain.entries import update_initiative

    grouped = Initiative.objects.get(pk=published[3])
    update_initiative(initiative=grouped, author=owner, data={"groups": []})
    for query in QUERIES:
        _same_as_sql(query)
    assert set(FACETS) == set(find(query=Query()).facets)
