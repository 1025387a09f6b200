"""wsis.reference.un_names: the UN's official short names (UNTERM / M49) read from the publisher's
country-codes table, and how the loader prefers them to CLDR's."""

from __future__ import annotations

from pathlib import Path

import pytest

from wsis.reference import cldr, un_names
from wsis.reference.loader import Knowledge, load

TABLE = "classifications/country-codes.csv"

#: The UN's names (unstats.un.org M49, UNTERM) where CLDR has its own.
UN_ENGLISH = {
    "COD": "Democratic Republic of the Congo",
    "MMR": "Myanmar",
    "LAO": "Lao People's Democratic Republic",
    "BOL": "Bolivia (Plurinational State of)",
    "IRN": "Iran (Islamic Republic of)",
    "TUR": "Türkiye",
    "CIV": "Côte d’Ivoire",
    "KOR": "Republic of Korea",
    "TZA": "United Republic of Tanzania",
    "GBR": "United Kingdom of Great Britain and Northern Ireland",
}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Bahamas (the)", "Bahamas"),
        ("Afghanistan (l')", "Afghanistan"),
        ("Afganistán (el)", "Afganistán"),
        ("Estados Unidos de América (los)", "Estados Unidos de América"),
        ("State of Palestine (the) *", "State of Palestine"),
        ("Bolivia (Plurinational State of)", "Bolivia (Plurinational State of)"),
        ("Iran (République islamique d')", "Iran (République islamique d')"),
    ],
)
def test_the_sorting_article_and_footnote_mark_are_dropped(raw: str, clean: str) -> None:
    assert un_names.clean(raw) == clean


def test_the_shared_table_gives_the_un_names(shared: Path) -> None:
    table = un_names.read_file(shared / TABLE)
    for iso3, english in UN_ENGLISH.items():
        assert table.of(iso3)["en"] == english
        assert set(table.of(iso3)) == {"en", "fr", "es", "ru", "zh", "ar"}, iso3
    assert table.of("COD")["fr"] == "République démocratique du Congo"
    assert table.of("LAO")["es"] == "República Democrática Popular Lao"
    assert table.of("KOR")["ru"] == "Республика Корея"
    assert table.of("MMR")["zh"] == "缅甸"
    assert table.of("IRN")["ar"] == "إيران (جمهورية - الإسلامية)"
    assert table.of("TUR")["ru"] == "Турция"  # UNTERM blank for Türkiye: the M49 name


def test_a_table_without_the_name_columns_or_truncated_is_refused(shared: Path, tmp_path: Path) -> None:
    with pytest.raises(un_names.UnNamesError, match=r"odw.*missing columns: ISO3166-1-Alpha-3"):
        un_names.read_file(shared / "classifications/odw-country-region-codes-2021.csv")
    lines = (shared / TABLE).read_text(encoding="utf-8").splitlines()
    short = tmp_path / "short.csv"
    short.write_text("\n".join(lines[:20]), encoding="utf-8")
    with pytest.raises(un_names.UnNamesError, match=r"short.csv: only 19 areas with names; .*truncated"):
        un_names.read_file(short)


def _economies_named(monkeypatch: pytest.MonkeyPatch, data: Path) -> Knowledge:
    monkeypatch.setenv("WSIS_DATA_DIR", str(data))
    return load()


def test_without_the_table_names_come_from_cldr(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    k = _economies_named(monkeypatch, tmp_path)
    assert k.economies["COD"].names == cldr.territory_names("CD")
    assert k.economies["COD"].names.en == "Congo - Kinshasa"


def test_with_the_stored_table_the_loader_prefers_the_un_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, shared: Path
) -> None:
    stored = tmp_path / un_names.STORED
    stored.parent.mkdir(parents=True)
    stored.write_bytes((shared / TABLE).read_bytes())
    k = _economies_named(monkeypatch, tmp_path)
    for iso3, english in UN_ENGLISH.items():
        assert k.economies[iso3].names.en == english
    assert k.economies["COD"].names.get("zh") == "刚果民主共和国"
    # Every economy of ours is in the table (the UN's names, not CLDR's, for each one).
    assert all(k.economies[code].names.complete() for code in k.economies)


def test_a_language_the_un_row_lacks_is_filled_from_cldr() -> None:
    fallback = cldr.territory_names("CD")
    merged = un_names.merged({"en": "Democratic Republic of the Congo"}, fallback)
    assert merged is not None and fallback is not None
    assert (merged.en, merged.fr) == ("Democratic Republic of the Congo", fallback.fr)
    assert un_names.merged({}, fallback) == fallback


def test_a_broken_stored_table_stops_the_loader_naming_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from wsis.reference.loader import ReferenceDataError

    stored = tmp_path / un_names.STORED
    stored.parent.mkdir(parents=True)
    stored.write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setenv("WSIS_DATA_DIR", str(tmp_path))
    with pytest.raises(ReferenceDataError, match=r"country-codes.csv: not a UN country-codes table"):
        load()
