"""Number and date formats for the charts, taken from CLDR through Babel.

The d3 format locale that Vega uses is built from Babel's symbols (not from d3's own locale files), so
a number in a chart reads exactly like the same number in the data table next to it, which the pages
format with Babel too.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import vl_convert
from babel import Locale, UnknownLocaleError
from babel import numbers as babel_numbers

#: Django language codes of the site -> d3-time-format locale names that vl-convert ships.
_TIME_LOCALES: dict[str, Any] = {
    "ar": "ar-EG",
    "zh-hans": "zh-CN",
    "en": "en-US",
    "fr": "fr-FR",
    "ru": "ru-RU",
    "es": "es-ES",
}


def babel_locale(language: str) -> Locale:
    """The Babel locale of a Django language code ("zh-hans" -> zh_Hans); clear error when unknown."""
    try:
        return Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError) as error:
        raise ValueError(
            f"unknown chart locale {language!r}: use a Django language code such as 'fr'"
        ) from error


@cache
def format_locale(language: str) -> dict[str, Any]:
    """d3-format locale (decimal and group symbols, minus and percent signs) for a Django language code."""
    locale = babel_locale(language)
    return {
        "decimal": babel_numbers.get_decimal_symbol(locale),
        "thousands": babel_numbers.get_group_symbol(locale),
        "grouping": [3],
        "currency": ["", ""],
        "minus": babel_numbers.get_minus_sign_symbol(locale),
        # d3 writes the percent sign right after the number; CLDR may put a (narrow) space first.
        "percent": babel_numbers.format_percent(0, locale=locale).replace("0", "", 1),
    }


@cache
def time_format_locale(language: str) -> dict[str, Any]:
    """The d3-time-format locale (month and day names) bundled with vl-convert, for a Django language code."""
    babel_locale(language)  # the same clear error for an unknown code
    return dict(vl_convert.get_time_format_locale(_TIME_LOCALES.get(language.lower(), "en-US")))
