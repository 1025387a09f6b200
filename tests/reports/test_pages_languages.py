"""The answer form and the secretariat's pages in the six UN languages: each renders its labels, buttons
and headings from the app's translations (locale/*/LC_MESSAGES), and no English UI string of the app is
left in a page shown in another language."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client
from django.urls import reverse
from django.utils import translation

import wsis.apps.reports
from wsis.apps.reports.enums import DJANGO_LANGUAGE, LANGUAGES

LOCALE = Path(wsis.apps.reports.__file__).parent / "locale"
#: What each page must show translated (English msgids).
EXPECTED = {
    "answer": ["Save the draft", "Language of the answers", "Versions", "Submit"],
    "call": ["Invited organizations", "Change the closing date", "Questionnaire", "Extensions"],
    "draft": ["Save the paragraph", "Document symbol", "Regenerate from the current publication"],
}


class _Text(HTMLParser):
    """The page's visible text nodes and attribute texts people read (labels of controls)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "placeholder", "title", "alt") and value:
                self.nodes.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(data.strip().rstrip(":").strip())


def _english_ui(language: str) -> set[str]:
    """The app's UI strings (no report text) whose translation into ``language`` differs from English."""
    folder = "zh_Hans" if language == "zh" else language
    with open(LOCALE / folder / "LC_MESSAGES" / "django.po", "rb") as f:
        catalog = read_po(f)
    out = set()
    for m in catalog:
        if not m.id or m.context or isinstance(m.id, tuple):
            continue
        assert m.string and "fuzzy" not in m.flags, f"{folder}: {m.id!r} is not translated"
        if m.string != m.id:
            out.add(m.id)
    return out


@pytest.fixture
def pages(cast):
    """The three pages' URLs and who sees them."""
    from wsis.apps.reports.models import Paragraph, Report

    report = Report.objects.create(kind="annual", year=2097, language="en")
    Paragraph.objects.create(
        report=report, key="findings.suggestions", section="findings", position=10, generated="G.", text="G."
    )
    staff, member = Client(), Client()
    staff.force_login(cast["secretariat"])
    member.force_login(cast["people"]["amadou"])
    return {
        "answer": (member, "reports:answer", [cast["call"].pk]),
        "call": (staff, "reports:call", [cast["call"].pk]),
        "draft": (staff, "reports:draft", [report.pk]),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_the_page_is_translated_and_no_english_ui_string_is_left(pages, language, page):
    client, name, args = pages[page]
    code = DJANGO_LANGUAGE[language]
    with translation.override(code):
        url = reverse(name, args=args)
        wanted = {english: translation.gettext(english) for english in EXPECTED[page]}
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'lang="{code}"' in body
    parser = _Text()
    parser.feed(body)
    nodes = set(parser.nodes)
    for english, translated in wanted.items():
        if language != "en" and english not in ("Versions", "Questionnaire"):
            assert translated != english, f"{english!r} has no {language} translation"
        assert translated in body, f"{page} in {language}: {translated!r} ({english!r}) missing"
    if language != "en":
        left = sorted(nodes & _english_ui(language))
        assert not left, f"{page} in {language}: English UI strings left: {left}"
