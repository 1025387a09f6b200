"""The interface catalogs: the five non-English UN languages are complete, keep every placeholder, carry
the plural forms of their language, and ship a compiled .mo that matches the .po.

English is the source language, so its catalog keeps empty msgstr and is only used as the list of msgids
every other catalog must cover."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

import wsis

LOCALE = Path(wsis.__file__).resolve().parent / "locale"

# gettext directory name -> number of plural forms of the language (gettext/CLDR integer rules).
PLURAL_FORMS = {"ar": 6, "zh_Hans": 1, "fr": 2, "ru": 3, "es": 2}

# For each language, counts and the plural form index they must select. These pin the Plural-Forms
# formula, not just its nplurals: a Russian formula that sent 21 to "many" would pass a count check.
PLURAL_SAMPLES = {
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3, 111: 4},
    "zh_Hans": {0: 0, 1: 0, 2: 0, 5: 0, 21: 0},
    "fr": {0: 0, 1: 0, 2: 1, 5: 1, 100: 1},
    "ru": {0: 2, 1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 12: 2, 14: 2, 21: 0, 22: 1, 25: 2, 101: 0, 111: 2},
    "es": {0: 1, 1: 0, 2: 1, 5: 1, 100: 1},
}

# Python %-format placeholders, named or not; "%%" is a literal percent sign and no placeholder.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def load_po(lang: str) -> Catalog:
    with po_path(lang).open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def messages(catalog: Catalog) -> list[Message]:
    """The real messages, without the header entry (msgid "")."""
    return [m for m in catalog if m.id]


def singular(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def translations(message: Message) -> list[str]:
    """The msgstr, or every msgstr[n] of a plural message."""
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def where(lang: str, message: Message) -> str:
    return f"{po_path(lang)}: msgid {singular(message)!r}"


@pytest.fixture(scope="module")
def source_ids() -> set[tuple[str | None, str]]:
    return {(m.context, singular(m)) for m in messages(load_po("en"))}


@pytest.mark.parametrize("lang", PLURAL_FORMS)
def test_header_names_language_and_utf8(lang: str) -> None:
    catalog = load_po(lang)
    headers = dict(catalog.mime_headers)
    assert headers.get("Language") == lang, f"{po_path(lang)}: header Language is {headers.get('Language')!r}"
    # Babel fills in a default charset when the header has none, so the raw header line is read instead.
    declared = re.search(
        r'^"Content-Type: text/plain; charset=([^\\"]+)', po_path(lang).read_text("utf-8"), re.M
    )
    assert declared, f"{po_path(lang)}: the header has no Content-Type with a charset"
    assert declared.group(1).upper() == "UTF-8", f"{po_path(lang)}: charset is {declared.group(1)}, not UTF-8"
    assert not catalog.fuzzy, f"{po_path(lang)}: the header entry is marked fuzzy"


@pytest.mark.parametrize("lang", PLURAL_FORMS)
def test_catalog_covers_every_source_string(lang: str, source_ids: set[tuple[str | None, str]]) -> None:
    assert source_ids, "the English catalog lists no msgid"
    ids = {(m.context, singular(m)) for m in messages(load_po(lang))}
    missing = sorted(i for _, i in source_ids - ids)
    assert not missing, f"{po_path(lang)}: msgids of the English catalog missing here: {missing}"


@pytest.mark.parametrize("lang", PLURAL_FORMS)
def test_every_message_is_translated_and_reviewed(lang: str) -> None:
    catalog = load_po(lang)
    assert messages(catalog), f"{po_path(lang)}: no messages"
    untranslated = [where(lang, m) for m in messages(catalog) if not all(s.strip() for s in translations(m))]
    fuzzy = [where(lang, m) for m in messages(catalog) if m.fuzzy]
    assert not untranslated, "empty msgstr:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy translations:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("lang", PLURAL_FORMS)
def test_placeholders_are_kept(lang: str) -> None:
    wrong = []
    for message in messages(load_po(lang)):
        ids = list(message.id) if isinstance(message.id, tuple) else [message.id]
        expected = {tuple(placeholders(i)) for i in ids}
        # Singular and plural msgid name the same values (Django's blocktranslate passes one dict).
        assert len(expected) == 1, f"{where(lang, message)}: msgid and msgid_plural differ in placeholders"
        (want,) = expected
        for index, text in enumerate(translations(message)):
            if tuple(placeholders(text)) != want:
                wrong.append(
                    f"{where(lang, message)} form {index}: {placeholders(text)} instead of {list(want)}"
                )
    assert not wrong, "placeholders changed:\n" + "\n".join(wrong)


@pytest.mark.parametrize("lang", PLURAL_FORMS)
def test_plural_forms_match_language(lang: str) -> None:
    catalog = load_po(lang)
    assert catalog.num_plurals == PLURAL_FORMS[lang], (
        f"{po_path(lang)}: Plural-Forms says nplurals={catalog.num_plurals}, "
        f"{lang} needs {PLURAL_FORMS[lang]}"
    )
    plurals = [m for m in messages(catalog) if m.pluralizable]
    assert plurals, f"{po_path(lang)}: no plural message to check"
    for message in plurals:
        count = len(translations(message))
        assert count == PLURAL_FORMS[lang], f"{where(lang, message)}: {count} plural forms"


@pytest.mark.parametrize("lang", PLURAL_FORMS)
def test_compiled_catalog_is_current(lang: str) -> None:
    mo_path = po_path(lang).with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} missing: run `django-admin compilemessages`"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    # GNUTranslations keeps msgid -> msgstr (and (msgid, n) -> msgstr[n]) in _catalog; reading it is the
    # only way to tell a missing entry from a translation that equals its msgid ("Code", "Source").
    table = compiled._catalog  # noqa: SLF001
    stale = []
    expected_keys = {""}
    for message in messages(load_po(lang)):
        key = singular(message) if message.context is None else f"{message.context}\x04{singular(message)}"
        if message.pluralizable:
            for index, text in enumerate(translations(message)):
                expected_keys.add((key, index))
                if table.get((key, index)) != text:
                    stale.append(f"{where(lang, message)} form {index}")
        else:
            expected_keys.add(key)
            if table.get(key) != message.string:
                stale.append(where(lang, message))
    extra = sorted(str(k) for k in set(table) - expected_keys)
    assert not stale, f"{mo_path} differs from the .po (run compilemessages):\n" + "\n".join(stale)
    assert not extra, f"{mo_path} holds entries the .po no longer has: {extra}"


@pytest.mark.parametrize("lang", PLURAL_FORMS)
def test_compiled_plural_formula_selects_the_right_form(lang: str) -> None:
    with po_path(lang).with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    message = next(m for m in messages(load_po(lang)) if m.pluralizable)
    forms = translations(message)
    for n, index in PLURAL_SAMPLES[lang].items():
        got = compiled.ngettext(message.id[0], message.id[1], n)
        assert got == forms[index], (
            f"{po_path(lang)}: n={n} gives {got!r}, expected form {index} {forms[index]!r}"
        )
