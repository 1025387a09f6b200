"""Writing generated paragraphs: numbers in the report language's way (Babel), each cited with a footnote
marker ``[^k]`` pointing at the paragraph's k-th :class:`Fact`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_compact_decimal

from wsis.apps.public.templatetags.public_format import babel_locale, format_number, format_percent_value
from wsis.apps.reports.domain.facts import Fact
from wsis.apps.reports.enums import DJANGO_LANGUAGE


def formatted(fact: Fact, language: str, digits: int = 1) -> str:
    """``fact``'s value as the report prints it in ``language`` (a registry key: ar, zh, en...)."""
    django = DJANGO_LANGUAGE[language]
    if fact.unit == "percent":
        return format_percent_value(fact.value, digits, django)
    if fact.unit == "people":
        return format_compact_decimal(
            fact.value, format_type="long", fraction_digits=2, locale=babel_locale(django)
        )
    if fact.unit == "count":
        return format_number(int(fact.value), 0, django)
    return format_number(fact.value, digits, django)


@dataclass
class Draft:
    """One paragraph being written: its text and the facts its markers point at."""

    key: str
    section: str
    language: str
    numbered: bool = True
    parts: list[str] = field(default_factory=list)
    figures: list[Fact] = field(default_factory=list)
    excerpt: dict[str, Any] | None = None

    def cite(self, fact: Fact, digits: int = 1) -> str:
        """The number, formatted, with its footnote marker (a fact cited twice keeps one marker)."""
        for k, known in enumerate(self.figures, start=1):
            if known.key == fact.key:
                return f"{formatted(fact, self.language, digits)}[^{k}]"
        self.figures.append(fact)
        return f"{formatted(fact, self.language, digits)}[^{len(self.figures)}]"

    def say(self, text: str) -> Draft:
        self.parts.append(text)
        return self

    @property
    def text(self) -> str:
        glue = "" if self.language == "zh" else " "  # Chinese sentences follow each other without a space
        return glue.join(p.strip() for p in self.parts if p.strip())

    def listing(self, items: list[str]) -> str:
        """Items of a list within a sentence, with the language's separator."""
        return {"zh": "；", "ar": "؛ "}.get(self.language, "; ").join(items)
