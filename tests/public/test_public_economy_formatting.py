"""Numbers, percentages and dates on the profiles follow each language's CLDR conventions (Babel)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from wsis.apps.public.templatetags import public_format as fmt

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("lang", "number", "percent"),
    [
        ("en", "12,345.7", "62.3%"),
        ("fr", f"12{NNBSP}345,7", f"62,3{NBSP}%"),
        ("es", "12.345,7", f"62,3{NBSP}%"),
        ("ru", f"12{NBSP}345,7", f"62,3{NBSP}%"),
        ("zh-hans", "12,345.7", "62.3%"),
    ],
)
def test_numbers_and_percentages(lang: str, number: str, percent: str) -> None:
    assert fmt.format_number(12345.678, 1, lang) == number
    assert fmt.format_percent_value(62.34, 1, lang) == percent


def test_arabic_percent_keeps_its_direction_marks() -> None:
    text = fmt.format_percent_value(62.34, 1, "ar")
    assert "62.3" in text and "%" in text


def test_filters_use_the_active_language() -> None:
    with translation.override("fr"):
        assert fmt.number(0.5, 2) == "0,50"
        assert fmt.share(0.124) == f"12{NBSP}%"
        assert fmt.ldate(dt.date(2025, 7, 1)) == "1 juil. 2025"
        assert fmt.ldate("2025-07-01", "long") == "1 juillet 2025"
    with translation.override("en"):
        assert fmt.measure(1234567890, "count") == "1.2B"
        assert fmt.measure(3.456, "usd") == "3.46"
        assert fmt.measure(None, "percent") == "–"


def test_unknown_digits_fall_back() -> None:
    with translation.override("en"):
        assert fmt.number(3.14159, "x") == "3.1"
        assert fmt.percent(50, 0) == "50%"
