"""Numbers, percentages and dates in the conventions of the page's language (Babel, Unicode CLDR).

``{% load public_format %}`` then ``{{ value|number:1 }}``, ``{{ value|percent:1 }}`` (a value on the
0-100 scale), ``{{ share|share }}`` (a 0-1 share), ``{{ day|ldate }}``, ``{{ value|measure:unit }}`` (the
value written as its unit asks). Django's own localisation is off for numbers on these pages, because
Babel knows the CLDR patterns of all six UN languages (French and Russian narrow spaces, Arabic percent
marks) and Django's formats do not. Years are never grouped (2023, not 2,023): pass them through as text.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy

register = template.Library()

#: Django language codes whose Babel locale name differs from the code.
_BABEL_NAMES = {"zh-hans": "zh_Hans", "zh-hant": "zh_Hant"}


def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale of a Django language code (the active one by default)."""
    code = (language or get_language() or "en").lower()
    return _locale(_BABEL_NAMES.get(code, code.replace("-", "_")))


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def _digits(arg: object, default: int) -> int:
    try:
        return max(0, min(6, int(str(arg)))) if arg not in (None, "") else default
    except ValueError:
        return default


@lru_cache(maxsize=64)
def _percent_pattern(name: str, digits: int) -> str:
    # The locale's own percent pattern (where the sign goes, which space), with ``digits`` decimals.
    pattern = _locale(name).percent_formats[None].pattern
    head, zero, tail = pattern.rpartition("0")
    return f"{head}{zero}{'.' + '0' * digits if digits else ''}{tail}"


def format_number(value: float | int | None, digits: int = 1, language: str | None = None) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale(language))


def format_percent_value(value: float | None, digits: int = 1, language: str | None = None) -> str:
    """A value on the 0-100 scale (62.3 -> "62.3 %" in the locale's way)."""
    if value is None:
        return "–"
    loc = babel_locale(language)
    return format_percent(value / 100, format=_percent_pattern(str(loc), digits), locale=loc)


#: Decimals and scale of each normalised warehouse unit (see ``wsis.engine.readers.observation``).
_UNIT_DIGITS = {"percent": 1, "per_100": 1, "count": 0, "usd": 2, "ppp_usd": 2, "score": 2}


def format_measure(value: float | None, unit: str | None, language: str | None = None) -> str:
    """A value written as its unit asks: percentages with the percent sign, counts without decimals."""
    if value is None:
        return "–"
    if unit in ("percent", "percent_gni_pc"):
        return format_percent_value(value, 1, language)
    if unit == "count" and abs(value) >= 1e6:
        # Large counts (people, subscriptions) read best in the locale's short form: 1.2M, 1,2 M, 1.2亿.
        return format_compact_decimal(
            value, format_type="short", fraction_digits=1, locale=babel_locale(language)
        )
    return format_number(value, _UNIT_DIGITS.get(unit or "", 2), language)


@register.filter
def number(value: float | int | None, digits: object = 1) -> str:
    return format_number(value, _digits(digits, 1))


@register.filter
def percent(value: float | None, digits: object = 1) -> str:
    return format_percent_value(value, _digits(digits, 1))


@register.filter
def share(value: float | None, digits: object = 0) -> str:
    """A 0-1 share as a percentage (an imputed share of 0.124 -> "12 %")."""
    return format_percent_value(None if value is None else value * 100, _digits(digits, 0))


@register.filter
def measure(value: float | None, unit: str | None = None) -> str:
    return format_measure(value, unit)


@register.filter
def ldate(value: dt.date | dt.datetime | str | None, form: str = "medium") -> str:
    """A date in the locale's medium (or ``short``/``long``) form; ISO strings are accepted."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    chosen = form if form in ("short", "medium", "long") else "medium"
    return format_date(value, format=chosen, locale=date_locale())


#: Locales whose dates follow another CLDR locale: English pages write dates as the UN does, day first
#: ("30 Jun 2024", CLDR's international English ``en_001``), not in the US order of CLDR's ``en``.
_DATE_LOCALES = {"en": "en_001"}


def date_locale(language: str | None = None) -> Locale:
    """The Babel locale dates are written in for a Django language code (the active one by default)."""
    code = (language or get_language() or "en").lower()
    return _locale(_DATE_LOCALES.get(code, _BABEL_NAMES.get(code, code.replace("-", "_"))))


#: The reader's words for each normalised warehouse unit (legends, axis titles, metadata).
UNIT_LABELS = {
    "percent": _lazy("percent"),
    "per_100": _lazy("per 100 inhabitants"),
    "count": _lazy("number"),
    "usd": _lazy("US dollars"),
    "ppp_usd": _lazy("PPP dollars"),
    # Not "% of ...": the catalogues' format check would read "% o" as a placeholder.
    "percent_gni_pc": _lazy("percent of GNI per capita"),
    "usd_per_capita": _lazy("US dollars per capita"),
    "score": _lazy("score"),
}


@register.filter
def unit_label(unit: str | None) -> str:
    """A unit in words in the page's language; a publisher's own unit label is shown as it is."""
    return str(UNIT_LABELS.get(unit or "", unit or ""))


@register.filter
def get_item(mapping: dict | None, key: object) -> object:
    """``{{ names|get_item:code }}``: a dictionary entry by a key held in a variable (None if absent)."""
    return (mapping or {}).get(key)


@register.filter
def language_name(code: str | None) -> str:
    """The name of the language ``code`` (ISO 639-1) in the page's language (CLDR), else the code."""
    if not code:
        return ""
    return babel_locale().languages.get(code, code)
