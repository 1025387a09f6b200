"""Every public page type in every language other than English, on the real data: no English text is
left unmarked (WCAG 3.1.2), and every part marked with another language also carries its direction, so
an English phrase on an Arabic page keeps its reading order. The detector itself is tested too: it must
find an English sentence slipped into a real page, and accept it once marked.

The pages are read through Django's test client (the HTML the server sends is what is checked); the
word lists come from the project's own texts (tests/public/language_marking.py).
"""

from __future__ import annotations

import pytest

from tests.public.language_marking import is_english, marks_without_direction, unmarked_english
from tests.public.pages import PAGE_TYPES
from tests.web.conftest import LANGUAGES

OTHER_LANGUAGES = [lang for lang in LANGUAGES if lang != "en"]
#: Beyond the page list: the pages the issue named (the C7 matrix, whose target titles and rationales
#: were English without lang or dir on Arabic pages), and SDG target pages with their official titles.
EXTRA_PATHS = {"action_line_C7": "/{lang}/action-lines/C7/", "sdg_target": "/{lang}/sdgs/targets/9.c/"}


def _pages() -> list[tuple[str, str]]:
    return [(p.name, lang) for p in PAGE_TYPES for lang in OTHER_LANGUAGES] + [
        (name, lang) for name in EXTRA_PATHS for lang in OTHER_LANGUAGES
    ]


def _path(name: str, lang: str) -> str:
    if name in EXTRA_PATHS:
        return EXTRA_PATHS[name].format(lang=lang)
    return next(p for p in PAGE_TYPES if p.name == name).path(lang)


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "lang"), _pages())
def test_no_unmarked_english_and_every_mark_has_its_direction(site_data, client, name, lang):
    path = _path(name, lang)
    page = _get(client, path)
    english = unmarked_english(page, lang)
    assert not english, f"{path}: English text not marked lang=en:\n" + "\n".join(map(str, english[:15]))
    undirected = marks_without_direction(page)
    assert not undirected, f"{path}: marked without dir:\n" + "\n".join(map(str, undirected[:15]))


@pytest.mark.django_db
@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_the_check_finds_english_slipped_into_a_real_page(site_data, client, lang):
    page = _get(client, _path("action_line_C7", lang))
    sentence = "Digital government makes institutions more efficient, transparent and accountable."
    assert is_english(sentence, lang)
    broken = page.replace(
        '<main id="main" tabindex="-1">', f'<main id="main" tabindex="-1"><p>{sentence}</p>', 1
    )
    assert broken != page
    found = unmarked_english(broken, lang)
    assert [f.text for f in found] == [sentence]
    marked = page.replace(
        '<main id="main" tabindex="-1">', f'<main id="main" tabindex="-1"><p lang="en">{sentence}</p>', 1
    )
    assert unmarked_english(marked, lang) == []
    # ... but a mark without its direction is reported.
    assert [f.text for f in marks_without_direction(marked)] == ["lang=en dir=None, expected dir=ltr"]


@pytest.mark.parametrize(
    ("text", "lang", "english"),
    [
        ("Share of the population that used the Internet", "fr", True),
        ("Personnes utilisant l'Internet", "fr", False),
        ("Internet, information, action", "fr", False),  # words French shares with English prove nothing
        ("ITU DataHub", "ar", False),  # a name of two words is not a sentence
        ("IT.NET.USER.ZS", "zh-hans", False),  # a series code
        ("Scheduled to graduate on 24 November 2026", "ru", True),
    ],
)
def test_english_detection(text, lang, english):
    assert is_english(text, lang) is english


#: Pages showing our own texts (matrix rationales, indicator definitions), translated in every language.
OWN_TEXT_PATHS = ["/{lang}/action-lines/C7/", "/{lang}/action-lines/C2/", "/{lang}/indicators/i99H/"]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_our_own_texts_are_translated_not_merely_marked(site_data, client, lang):
    """Marking is for what has no translation: our rationales and definitions have one, so none of their
    English texts may appear on a page in another language, marked or not."""
    from wsis.reference.loader import knowledge

    k = knowledge()
    english = [link.rationale for link in k.matrix.links] + [e.definition for e in k.indicators.values()]
    for path in OWN_TEXT_PATHS:
        page = _get(client, path.format(lang=lang))
        left = [text for text in english if text in page]
        assert not left, f"{path.format(lang=lang)}: English text of ours shown:\n" + "\n".join(left[:10])
