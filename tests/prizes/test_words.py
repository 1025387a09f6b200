"""Word counts of summaries per language (the rule is documented in wsis.engine.prizes.words)."""

from __future__ import annotations

from wsis.engine.prizes.words import count_words


def test_space_separated_languages_count_runs_of_letters() -> None:
    assert count_words("Connecting 40 rural schools, in Kenya.", "en") == 6
    assert count_words("l'accès à l'internet", "fr") == 5  # l, accès, à, l, internet
    assert count_words("Подключение сельских школ", "ru") == 3
    assert count_words("ربط المدارس الريفية", "ar") == 3


def test_chinese_counts_two_characters_as_one_word() -> None:
    assert count_words("乡村数字图书馆", "zh") == 4  # 7 characters, rounded up
    assert count_words("为40所学校提供WiFi", "zh") == 2 + 3  # "40" and "WiFi", then 6 characters
