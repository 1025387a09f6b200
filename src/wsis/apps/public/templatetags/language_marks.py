"""Marking text that is not in the page's language, so that browsers, screen readers and the Unicode
bidirectional algorithm treat it as what it is (WCAG 3.1.2): ``{% load language_marks %}``, then

- ``{{ target.title|marked }}``: a :class:`~wsis.apps.reference.models.LocalText` (a text that knows its
  language, e.g. an official SDG title that fell back to our English one), marked when it is not in the
  page's language;
- ``{{ link.rationale|in_english }}``: a text that exists only in English (publishers' names of their
  releases, our editorial texts not yet translated), marked on pages in other languages.

Marked text is wrapped in ``<span lang=".." dir="..">``: an English phrase on an Arabic page without its
own ``dir`` would be reordered by the page's right-to-left direction ("5.b" read as "b.5", the full
stop at the line's start).
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from wsis.apps.reference.models import HTML_TAGS, RIGHT_TO_LEFT, shown_text

register = template.Library()


def _base(language: str | None) -> str:
    return (language or "").split("-")[0].lower()


def mark(text: object, language: str) -> SafeString:
    """``text`` escaped, wrapped in a span with ``lang`` and ``dir`` when ``language`` is not the page's."""
    if text in (None, ""):
        return SafeString("")
    if _base(language) == _base(get_language() or "en"):
        return SafeString(conditional_escape(text))
    direction = "rtl" if _base(language) in RIGHT_TO_LEFT else "ltr"
    tag = HTML_TAGS.get(language, language)
    return format_html('<span lang="{}" dir="{}">{}</span>', tag, direction, text)


@register.filter
def marked(text: object) -> SafeString:
    """A text that knows its language (``.language``); plain strings are taken as the page's language."""
    return mark(text, getattr(text, "language", None) or get_language() or "en")


@register.filter
def in_english(text: object) -> SafeString:
    return mark(text, "en")


@register.filter
def marked_texts(texts: dict | None, original: str = "") -> SafeString:
    """A ``{language: text}`` dictionary (our six-language texts, an initiative's title): the page's
    language, else English, else the ``original`` language's text, marked with the language it is in."""
    text = shown_text(texts, original)
    return mark(text, text.language)
