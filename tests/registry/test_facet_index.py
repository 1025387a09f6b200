"""The in-memory facet index (what ``find`` uses) gives the same totals, pages and facet counts as the
plain SQL search, and sees every change, including ones made by a raw UPDATE (the change-log triggers)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.registry import factories
from wsis.apps.registry.domain.search import Query, facets, find, search
from wsis.apps.registry.domain.workflow import merge
from wsis.apps.registry.models import Initiative

SHAPES = [
    {"action_lines": ["C7.d"], "countries": ["SEN", "KEN"], "activity_status": "planned"},
    {
        "action_lines": ["C2", "C7.b"],
        "countries": ["FJI"],
        "groups": ["LDC"],
        "start_date": dt.date(2020, 5, 1),
    },
    {"action_lines": ["C3"], "countries": ["FRA"], "targets": [{"code": "4.4", "evidence": "skills"}]},
    {
        "action_lines": ["C2"],
        "countries": ["NPL", "BGD"],
        "activity_status": "completed",
        "kind": "initiative",
    },
    {"action_lines": ["C4"], "countries": [], "groups": ["SIDS"], "start_date": dt.date(2021, 1, 1)},
]
QUERIES = [
    Query(),
    Query(filters={"line": ["C7"]}),
    Query(filters={"line": ["C2"], "country": ["FJI", "NPL"]}),
    Query(filters={"group": ["LDC"]}),
    Query(filters={"group": ["SIDS"], "status": ["ongoing"]}),
    Query(filters={"region": ["002"]}),
    Query(filters={"goal": ["4"]}),
    Query(filters={"target": ["9.c"], "year": ["2023"]}),
    Query(filters={"stakeholder": ["civil_society"]}),
    Query(filters={"stakeholder": ["private"]}),
    Query(filters={"light": ["green", "red"]}),
    Query(filters={"kind": ["initiative"], "status": ["planned", "completed"]}),
    Query(text="broadband"),
    Query(text="broadband", filters={"line": ["C2"]}),
    Query(filters={"nonsense": ["x"]}),
]


@pytest.fixture
def entries(world):
    made = [
        factories.entry(
            world.org, world.owner, "published", title={"en": f"Community broadband {n}"}, **shape
        )
        for n, shape in enumerate(SHAPES)
    ]
    made.append(factories.entry(world.other_org, world.member_other, "published", action_lines=["C7.d"]))
    return made


def _sql(query: Query, limit: int) -> tuple[int, list[int], dict]:
    results = search(query=query)
    page = list(results.order_by("-updated_at", "-pk").values_list("pk", flat=True)[:limit])
    return results.count(), page, facets(results=results)


@pytest.mark.parametrize("query", QUERIES, ids=[repr(q) for q in QUERIES])
def test_index_answers_as_sql_does(entries, query):
    found = find(query=query, limit=3)
    total, page, counts = _sql(query, 3)
    assert found.total == total
    assert [e.pk for e in found.entries] == page
    assert found.facets == counts


def test_index_sees_raw_updates_merges_and_new_entries(world, entries):
    first, second = entries[0], entries[1]
    before = find(query=Query()).total
    old = timezone.now() - dt.timedelta(days=800)
    Initiative.objects.filter(pk=first.pk).update(last_verified_at=old)  # no application code involved
    assert dict(find(query=Query()).facets["light"]).get("red") == 1
    assert [e.pk for e in find(query=Query(filters={"light": ["red"]})).entries] == [first.pk]
    Initiative.objects.filter(pk=second.pk).update(state="draft")
    assert second.pk not in {e.pk for e in find(query=Query(), limit=50).entries}
    merge(duplicate=entries[2], into=entries[3], actor=world.moderator, reason="same")
    assert find(query=Query()).total == _sql(Query(), 1)[0] == before - 2
    new = factories.entry(world.org, world.owner, "published", action_lines=["C9"], countries=["BRA"])
    found = find(query=Query(filters={"line": ["C9"]}))
    assert [e.pk for e in found.entries] == [new.pk] and dict(found.facets["country"]) == {"BRA": 1}


def test_an_edit_moves_the_entry_between_facets(world, entries):
    from wsis.apps.registry.domain.entries import update_initiative

    entry = entries[3]
    assert entry.pk in {e.pk for e in find(query=Query(filters={"country": ["NPL"]})).entries}
    update_initiative(
        initiative=entry, author=world.owner, data={"countries": ["CHL"], "action_lines": ["C10"]}
    )
    assert entry.pk not in {e.pk for e in find(query=Query(filters={"country": ["NPL"]})).entries}
    moved = find(query=Query(filters={"line": ["C10"]}))
    assert [e.pk for e in moved.entries] == [entry.pk] and dict(moved.facets["region"]) == {"019": 1}


def test_a_changed_stakeholder_type_moves_the_organization_s_entries(world, entries):
    """The organization is not an initiative: its own trigger logs its entries for the index."""
    assert dict(find(query=Query()).facets["stakeholder"]) == dict(
        facets(results=search(query=Query()))["stakeholder"]
    )
    world.org.stakeholder_type = "academia"
    world.org.save()
    found = find(query=Query(filters={"stakeholder": ["academia"]}), limit=50)
    assert {e.pk for e in found.entries} == set(
        search(query=Query(filters={"stakeholder": ["academia"]})).values_list("pk", flat=True)
    )
    assert (
        found.total == len(entries)
        and dict(find(query=Query()).facets["stakeholder"])["academia"] == found.total
    )


def test_a_change_committed_late_is_still_applied(world, entries):
    """A change row that appears below the last one seen (its transaction committed after a later one) is
    looked for again, not skipped for ever."""
    from wsis.apps.registry.models import IndexChange

    late, other = entries[0], entries[1]
    find(query=Query())
    Initiative.objects.filter(pk=late.pk).update(state="draft")
    row = IndexChange.objects.latest("pk")
    row.delete()  # as if its transaction were still open
    Initiative.objects.filter(pk=other.pk).update(activity_status="completed")
    seen = {e.pk for e in find(query=Query(), limit=50).entries}
    assert late.pk in seen  # not visible yet: the index cannot know
    IndexChange.objects.create(pk=row.pk, initiative_id=late.pk, stamp="committed late")
    assert late.pk not in {e.pk for e in find(query=Query(), limit=50).entries}
    assert find(query=Query()).facets == facets(results=search(query=Query()))


def test_triggers_survive_a_table_rebuild(world):
    """SQLite drops a table's triggers when a migration rebuilds it; the post-migrate hook puts them back
    (PostgreSQL keeps them: they are checked to exist)."""
    from django.db import connection

    from wsis.apps.registry import triggers

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER registry_search_ai")
            cursor.execute("DROP TRIGGER registry_initiative_log_update")
            triggers.ensure(connection)
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'registry_%'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'registry_%'")
        names = {row[0] for row in cursor.fetchall()}
    expected = (
        {"registry_search_ai", "registry_search_ad", "registry_search_au", "registry_initiative_log_insert"}
        | {"registry_initiative_log_update", "registry_organization_log"}
        if connection.vendor == "sqlite"
        else {"registry_initiative_log", "registry_organization_log"}
    )
    assert expected <= names
    made = factories.entry(world.org, world.owner, "published", title={"en": "Rebuilt trigger check"})
    assert [e.pk for e in find(query=Query(text="Rebuilt trigger")).entries] == [made.pk]


def test_pruned_change_log_means_a_rebuild_not_a_stale_index(world, entries):
    from wsis.apps.registry.domain.facet_index import prune_changes
    from wsis.apps.registry.models import IndexChange

    find(query=Query())
    Initiative.objects.filter(pk=entries[0].pk).update(state="rejected")
    assert prune_changes(keep=0) > 0 and not IndexChange.objects.exists()
    found = find(query=Query(), limit=50)
    assert entries[0].pk not in {e.pk for e in found.entries}
    assert found.total == search(query=Query()).count()
