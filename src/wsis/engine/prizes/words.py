"""Word counts of submission summaries, per language.

Space-separated languages (Arabic, English, French, Russian, Spanish) count runs of letters or digits,
so "e-mail" and "l'accès" count as two words each, as most word processors do not; the rule is simple
and the same for every voter. Chinese is written without spaces: each Han character counts as one word
divided by ``CJK_CHARS_PER_WORD`` (two, as a Chinese word averages about 1.5-2 characters), so a 150-200
word summary is about 300-400 characters. Latin words inside Chinese text count as words."""

from __future__ import annotations

import math
import re

CJK_CHARS_PER_WORD = 2
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def count_words(text: str, language: str = "en") -> int:
    cjk = len(_CJK.findall(text))
    rest = _CJK.sub(" ", text)
    words = len(_WORD.findall(rest))
    if language.startswith("zh") or cjk:
        return words + math.ceil(cjk / CJK_CHARS_PER_WORD)
    return words
