"""Duplicate detection at submission, and the trigram similarity it uses on SQLite."""

from __future__ import annotations

from tests.registry import factories
from wsis.apps.registry.domain.duplicates import similar_entries, similarity


def test_similarity_matches_pg_trgm_definition():
    # pg_trgm: similarity('word', 'two words') = 4 shared / 11 distinct trigrams = 0.363636
    assert abs(similarity("word", "two words") - 4 / 11) < 1e-9
    assert similarity("abc", "abc") == 1.0
    assert similarity("abc", "xyz") == 0.0


def test_resubmitted_entry_with_reworded_title_is_found(world, client):
    original = factories.entry(
        world.org,
        world.owner,
        "published",
        title={"en": "Digital skills training for rural women in Senegal"},
        links=[{"url": "https://example.org/women-skills", "title": ""}],
        countries=["SEN"],
    )
    unrelated = factories.entry(
        world.other_org, world.member_other, "published", title={"en": "Satellite backhaul for islands"}
    )
    again = factories.entry(
        world.org,
        world.editor,
        title={"en": "Training rural women in Senegal in digital skills"},
        links=[],
        countries=["SEN"],
    )
    found = similar_entries(initiative=again)
    assert [c.initiative.pk for c in found][:1] == [original.pk]
    assert unrelated.pk not in [c.initiative.pk for c in found]
    assert any(r.startswith("similar title") for r in found[0].reasons)
    assert "same organization" in found[0].reasons and "overlapping countries" in found[0].reasons
    client.force_login(world.editor)
    page = client.get(f"/en/registry/{again.pk}/submit/").content.decode()
    assert original.ref in page


def test_same_link_is_a_duplicate_sign(world):
    first = factories.entry(
        world.org,
        world.owner,
        "published",
        title={"en": "Alpha"},
        links=[{"url": "https://x.example/p", "title": ""}],
    )
    second = factories.entry(
        world.other_org,
        world.member_other,
        title={"en": "Completely different words"},
        links=[{"url": "https://x.example/p", "title": ""}],
    )
    found = similar_entries(initiative=second)
    assert found and found[0].initiative.pk == first.pk and "same link" in found[0].reasons
