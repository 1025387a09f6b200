"""Dates in each language's CLDR medium format; English day first, as the UN writes them (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from wsis.apps.public.templatetags.public_format import ldate

DAY = dt.date(2024, 6, 30)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "30 Jun 2024"),
        ("fr", "30 juin 2024"),
        ("es", "30 jun 2024"),
        ("ru", "30 июн. 2024\u202fг."),  # a narrow no-break space before "г."
        ("zh-hans", "2024年6月30日"),
        ("ar", "30\u200f/06\u200f/2024"),
    ],
)
def test_medium_dates(language: str, expected: str) -> None:
    with translation.override(language):
        assert ldate(DAY) == expected
        assert ldate("2024-06-30T12:00:00") == expected  # ISO text, as JSON carries dates


def test_english_is_not_us_style() -> None:
    with translation.override("en"):
        assert ldate(DAY, "short") == "30/06/2024" and ldate(DAY, "long") == "30 June 2024"
