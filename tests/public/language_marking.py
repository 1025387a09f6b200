"""Finding English text left unmarked on a page in another language, and language marks without a
direction: what tests/public/test_public_language_marking.py asserts on every page type and locale.

"Detectably English" is judged with word lists built from the project's own texts, so the check knows
the words our pages can hold: the English word list is every word of the interface's English messages
(the gettext msgids) and of the reference files' English texts; a page language's word list is every
word of that language's translations (msgstr) and reference texts. A text node is English when it has at
least ``MIN_WORDS`` English-only words (English, not also words of the page's language: "information" or
"internet" prove nothing on a French page) and they are at least half of its words. It is unmarked when
no enclosing element carries a ``lang`` other than the page's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.messages.pofile import read_po
from lxml import html

import wsis

LOCALE_DIR = Path(wsis.__file__).parent / "locale"
REFERENCE_DIR = Path(wsis.__file__).parent / "reference" / "data"
#: Django language code -> gettext catalogue folder and the key of reference-file texts.
CATALOGUES = {"ar": "ar", "zh-hans": "zh_Hans", "fr": "fr", "ru": "ru", "es": "es", "en": "en"}
REFERENCE_KEYS = {"ar": "ar", "zh-hans": "zh", "fr": "fr", "ru": "ru", "es": "es", "en": "en"}
RIGHT_TO_LEFT = {"ar", "he", "fa", "ur"}
MIN_WORDS = 3
#: Latin-script words of two letters or more (apostrophes and hyphens inside a word are kept).
WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z\u00c0-\u024f]+)*")
#: Elements whose text is not prose shown to a reader as page text.
SKIPPED = {"script", "style", "code", "pre", "kbd", "samp", "var"}


#: Codes and addresses (IT.NET.USER.ZS, SE_ACS_INTNT, a URL): not words of any language.
CODE = re.compile(r"\S*\w[._/:$]\w\S*")


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(CODE.sub(" ", text)) if len(w) > 1]


def _reference_texts(node: object, language: str, inside: str = "en") -> Iterator[str]:
    """Every string of a parsed reference file in ``language``: strings under that language's key, and
    (for English) every string not under another language's key."""
    keys = set(REFERENCE_KEYS.values())
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _reference_texts(value, language, key if key in keys else inside)
    elif isinstance(node, list):
        for item in node:
            yield from _reference_texts(item, language, inside)
    elif isinstance(node, str) and inside == language:
        yield node


@functools.cache
def vocabulary(language: str) -> frozenset[str]:
    """The words of our own texts in a page language (Django code: en, fr, zh-hans...)."""
    found: set[str] = set()
    with open(LOCALE_DIR / CATALOGUES[language] / "LC_MESSAGES" / "django.po", "rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id:
            continue
        if language == "en":
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            texts = list(ids)
        else:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            texts = [s for s in strings if s]
        for text in texts:
            found.update(words(text))
    for path in sorted(REFERENCE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for text in _reference_texts(data, REFERENCE_KEYS[language]):
            found.update(words(text))
    return frozenset(found)


@dataclass(frozen=True)
class Finding:
    text: str
    path: str  # where on the page: the enclosing elements

    def __str__(self) -> str:
        return f"{self.path}: {self.text[:120]!r}"


def english_only_words(text: str, page_language: str) -> list[str]:
    own = vocabulary(page_language)
    english = vocabulary("en")
    return [w for w in words(text) if w in english and w not in own]


def is_english(text: str, page_language: str) -> bool:
    all_words = words(text)
    only = english_only_words(text, page_language)
    return len(only) >= MIN_WORDS and 2 * len(only) >= len(all_words)


def _base(language: str | None) -> str:
    return (language or "").strip().lower()


def _where(element: html.HtmlElement) -> str:
    names = []
    for node in [element, *element.iterancestors()][:4]:
        label = node.tag if isinstance(node.tag, str) else "?"
        if node.get("id"):
            label += f"#{node.get('id')}"
        elif node.get("class"):
            label += "." + node.get("class").split()[0]
        names.append(label)
    return " < ".join(names)


def _language_of(element: html.HtmlElement) -> str:
    for node in [element, *element.iterancestors()]:
        if node.get("lang") is not None:
            return _base(node.get("lang"))
    return ""


def _texts(root: html.HtmlElement) -> Iterator[tuple[html.HtmlElement, str]]:
    """(element the text belongs to, text) for every text node of the body, comments and scripts left out."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.split("}")[-1]
        if tag in SKIPPED or any(
            isinstance(a.tag, str) and a.tag.split("}")[-1] in SKIPPED for a in element.iterancestors()
        ):
            continue
        if element.text and element.text.strip():
            yield element, element.text
        for child in element:
            if child.tail and child.tail.strip():
                yield element, child.tail


def unmarked_english(page: str, page_language: str) -> list[Finding]:
    """English text nodes of a page in ``page_language`` that no other-language ``lang`` encloses."""
    root = html.document_fromstring(page)
    findings = []
    for element, text in _texts(root):
        if _language_of(element) != _base(page_language):
            continue  # marked as another language (or the page's language is not what we think)
        if is_english(text, page_language):
            findings.append(Finding(" ".join(text.split()), _where(element)))
    return findings


def marks_without_direction(page: str) -> list[Finding]:
    """Elements marked with a language other than the page's but without the matching ``dir``: Arabic
    pages reorder neutral characters (full stops, "5.b") of a left-to-right text that has no ``dir``."""
    root = html.document_fromstring(page)
    page_language = _base(root.get("lang"))
    findings = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root or element.get("lang") is None:
            continue
        language = _base(element.get("lang"))
        if language.split("-")[0] == page_language.split("-")[0]:
            continue
        expected = "rtl" if language.split("-")[0] in RIGHT_TO_LEFT else "ltr"
        if _base(element.get("dir")) != expected:
            findings.append(
                Finding(
                    f"lang={language} dir={element.get('dir')!r}, expected dir={expected}", _where(element)
                )
            )
    return findings
