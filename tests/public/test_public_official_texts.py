"""`wsis setup --real-data` loads the UN's official texts beside the figures: the SDG titles and the
economies' official short names in six languages, downloaded or (`--from DIR`) from a folder laid out as
the shared data folder; offline, or without the files, it says what was not loaded and how to load it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def restored(site_data, shared: Path) -> Iterator[None]:
    """Whatever a test loads, the folder's other tests find the state of `site_data` again."""
    from wsis.apps.reference.models import ReferenceRelease
    from wsis.apps.reference.sync import store_sdg_titles, sync_reference
    from wsis.reference import un_names
    from wsis.reference.loader import knowledge
    from wsis.reference.sdg_translations import load_folder

    yield
    un_names.stored_path().unlink(missing_ok=True)
    knowledge.cache_clear()
    sync_reference(knowledge())
    ReferenceRelease.objects.filter(file="un-names").delete()
    store_sdg_titles(load_folder(shared / "sdg-texts"), "tests/public")


@pytest.mark.django_db
def test_from_the_shared_folder_both_texts_are_loaded(restored, shared: Path, client):
    from wsis.apps.reference.models import Economy, SdgTarget
    from wsis.apps.reference.official_texts import load_official_texts

    SdgTarget.objects.update(official_titles={})
    lines = load_official_texts(shared)
    assert lines[0].startswith("official SDG titles stored: 17 goals, 169 targets"), lines
    table = shared / "classifications/country-codes.csv"
    assert lines[1].startswith(f"UN official names stored from {table}: 249 of 249 economies"), lines
    assert SdgTarget.objects.get(code="9.c").official_titles["fr"].startswith("Accroître nettement")
    assert Economy.objects.get(iso3="LAO").names["en"] == "Lao People's Democratic Republic"
    assert "République démocratique du Congo" in client.get("/fr/economies/COD/").content.decode()


@pytest.mark.django_db
def test_a_folder_without_the_texts_names_what_is_missing(restored, tmp_path: Path):
    from wsis.apps.reference.models import Economy
    from wsis.apps.reference.official_texts import load_official_texts

    before = dict(Economy.objects.values_list("iso3", "names"))
    lines = load_official_texts(tmp_path)
    assert lines == [
        f"official SDG titles: not loaded, {tmp_path / 'sdg-texts'} does not exist "
        "(later: wsis manage sdg_texts --from PATH)",
        f"UN official names of economies: not loaded, {tmp_path / 'classifications/country-codes.csv'} "
        "does not exist (later: wsis manage un_names --from PATH)",
    ]
    assert dict(Economy.objects.values_list("iso3", "names")) == before


@pytest.mark.django_db
def test_offline_the_set_up_says_so_and_goes_on(restored, monkeypatch: pytest.MonkeyPatch):
    from wsis.apps.reference.models import Economy
    from wsis.apps.reference.official_texts import load_official_texts

    # Nothing listens on the discard port: as without a connection, every download fails at once.
    monkeypatch.setenv("WSIS_FETCH_SDG_TEXTS", "http://127.0.0.1:9/translations")
    monkeypatch.setenv("WSIS_FETCH_UN_NAMES", "http://127.0.0.1:9/country-codes.csv")
    before = dict(Economy.objects.values_list("iso3", "names"))
    lines = load_official_texts(None)
    assert len(lines) == 2
    for line, command in zip(lines, ("sdg_texts", "un_names"), strict=True):
        assert "not loaded" in line and "127.0.0.1:9" in line
        assert "offline or the publisher out of reach?" in line
        assert f"`wsis manage {command}`" in line
    assert dict(Economy.objects.values_list("iso3", "names")) == before
