"""The UN's official short names of countries and areas in the six UN languages (UNTERM / UN M49).

The UN writes "Democratic Republic of the Congo", "Lao People's Democratic Republic", "Türkiye" where
CLDR writes "Congo - Kinshasa", "Laos", "Turkey"; a UN follow-up platform uses the UN's names. They are
not shipped with the package: they are read at run time from the publisher's table, the
``datasets/country-codes`` CSV (UNTERM short names and the UN Statistics Division's M49 "Standard country
or area codes" names, one column per language), which ``wsis manage un_names`` downloads (or copies from
``--from FILE``) into the data folder. Without that file, names come from CLDR (:mod:`wsis.reference.cldr`).

Per language the UNTERM short name is taken with its article dropped ("Bahamas (the)" -> "Bahamas",
"Afghanistan (l')" -> "Afghanistan") and its footnote mark ("State of Palestine (the) *"); where UNTERM
is blank (Côte d'Ivoire, Türkiye in the table) the M49 name is used.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path

from wsis.paths import data_home
from wsis.reference.schema import UN_LANGUAGES, Names

#: Where ``wsis manage un_names`` keeps the table, inside the data folder.
STORED = Path("un-names") / "country-codes.csv"

#: The table's columns per language: UNTERM short name first, the M49 name when UNTERM is blank.
COLUMNS: dict[str, tuple[str, str]] = {
    "en": ("UNTERM English Short", "official_name_en"),
    "fr": ("UNTERM French Short", "official_name_fr"),
    "es": ("UNTERM Spanish Short", "official_name_es"),
    "ru": ("UNTERM Russian Short", "official_name_ru"),
    "zh": ("UNTERM Chinese Short", "official_name_cn"),
    "ar": ("UNTERM Arabic Short", "official_name_ar"),
}
ISO3 = "ISO3166-1-Alpha-3"

#: Known defects of the table, fixed by name: (ISO3, language) -> (value in the table, the UN's name).
#: The M49 English column says "Ivory Coast"; the UN's name (M49 and UNTERM) is "Côte d'Ivoire".
CORRECTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("CIV", "en"): ("Ivory Coast", "Côte d’Ivoire"),
}

# A trailing article in parentheses, as UNTERM sorts names: "(the)", "(l')", "(la)", "(los)"...
_ARTICLE = re.compile(r"\s*\((the|l'|l’|le|la|les|el|los|las)\)$", re.IGNORECASE)


class UnNamesError(ValueError):
    """The file is not a usable table of UN names; the message names the file and the problem."""


@dataclass(frozen=True)
class UnNames:
    """Names by ISO alpha-3 code; a language the table leaves blank for an area is absent."""

    origin: str
    names: dict[str, dict[str, str]]

    def of(self, iso3: str) -> dict[str, str]:
        return self.names.get(iso3, {})


def clean(name: str) -> str:
    """A UNTERM short name as a page shows it: without its sorting article and footnote mark."""
    name = name.strip().removesuffix("*").strip()
    return _ARTICLE.sub("", name).strip()


def read_table(text: str, origin: str) -> UnNames:
    """Parse a country-codes table; a table without the name columns is a :class:`UnNamesError`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    needed = {ISO3, *(column for pair in COLUMNS.values() for column in pair)}
    missing = sorted(needed - set(reader.fieldnames or []))
    if missing:
        raise UnNamesError(f"{origin}: not a UN country-codes table; missing columns: {', '.join(missing)}")
    names: dict[str, dict[str, str]] = {}
    for row in reader:
        iso3 = (row.get(ISO3) or "").strip()
        if not re.fullmatch(r"[A-Z]{3}", iso3):
            continue  # areas without an ISO code (a few historical rows) name no economy of ours
        found: dict[str, str] = {}
        for language, (unterm, m49) in COLUMNS.items():
            value = clean(row.get(unterm) or "") or clean(row.get(m49) or "")
            wrong, right = CORRECTIONS.get((iso3, language), (None, None))
            if value and value == wrong:
                value = right or value
            if value:
                found[language] = value
        if found:
            names[iso3] = found
    if len(names) < 150:
        raise UnNamesError(f"{origin}: only {len(names)} areas with names; the table looks truncated")
    return UnNames(origin=origin, names=names)


def read_file(path: Path) -> UnNames:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnNamesError(f"{path}: cannot read it as UTF-8 text: {exc}") from exc
    return read_table(text, str(path))


def stored_path() -> Path:
    return data_home() / STORED


@functools.cache
def _stored(path: Path, mtime: float) -> UnNames | None:
    return read_file(path)


def stored() -> UnNames | None:
    """The table ``wsis manage un_names`` stored in the data folder, or None before it has run."""
    path = stored_path()
    if not path.is_file():
        return None
    return _stored(path, path.stat().st_mtime)


def merged(un: dict[str, str], fallback: Names | None) -> Names | None:
    """The UN's name in each language it has, the ``fallback`` (CLDR) name in the others."""
    if not un:
        return fallback
    texts = {
        language: un.get(language) or (fallback.get(language) if fallback else None)
        for language in UN_LANGUAGES
    }
    if not texts.get("en"):
        return fallback
    return Names(**{k: v for k, v in texts.items() if v})


__all__ = [
    "CORRECTIONS",
    "STORED",
    "UnNames",
    "UnNamesError",
    "clean",
    "merged",
    "read_file",
    "read_table",
    "stored",
]
