"""Our own English texts in the six UN languages: the WSIS-SDG matrix rationales and the indicator
definitions carry French, Spanish, Russian, Chinese and Arabic translations (the project's own, pending
review), checked by the schema like every other field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wsis.reference import loader
from wsis.reference.checks import missing_translations
from wsis.reference.schema import TRANSLATION_LANGUAGES


def test_every_rationale_and_definition_is_in_all_six_languages() -> None:
    problems = missing_translations(loader.load())
    assert not problems, "texts without a translation:\n" + "\n".join(map(str, problems))


def test_the_check_lists_each_missing_translation(data_copy: Path) -> None:
    path = data_copy / "wsis_sdg_matrix.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["links"][0]["rationale_translations"]["ar"]
    data["links"][1]["rationale_translations"] = {}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    found = [str(p) for p in missing_translations(loader.load(data_copy))]
    assert found == [
        "wsis_sdg_matrix.yaml: links (C1 -> 5.c), field 'rationale_translations': no translation in ar",
        "wsis_sdg_matrix.yaml: links (C1 -> 10.2), field 'rationale_translations': no translation in "
        + ", ".join(TRANSLATION_LANGUAGES),
    ]


def test_a_translation_in_an_unknown_language_is_an_error(data_copy: Path) -> None:
    path = data_copy / "indicators.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["indicators"][0]["definition_translations"]["de"] = (
        "Anteil der Bevölkerung, der das Internet nutzte."
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(loader.ReferenceDataError) as caught:
        loader.load(data_copy)
    assert "indicators.yaml: indicators[0] (i99H), field 'definition_translations.de" in str(caught.value)
    assert "should be 'ar', 'zh', 'fr', 'ru' or 'es'" in str(caught.value)


def test_translations_are_not_the_english_text_and_keep_the_codes_they_name() -> None:
    k = loader.load()
    texts = [(link.rationale, link.rationale_translations) for link in k.matrix.links] + [
        (entry.definition, entry.definition_translations) for entry in k.indicators.values()
    ]
    for english, translations in texts:
        for language, text in translations.items():
            assert text != english, f"{language}: not translated: {english}"
            # Indicator and series codes cited in a text (17.8.1, i992b) are cited in its translations.
            for code in ("17.8.1", "17.6.1", "4.4.1", "16.10.1", "i992b", "i911mw", "xHH18"):
                if code in english:
                    assert code in text, f"{language} lost {code}: {text}"


def test_the_files_say_whose_translations_they_are() -> None:
    k = loader.load()
    assert "pending facilitator review" in (k.matrix.translation_note or "")
    indicators = loader._read(loader.PACKAGE_DATA / "indicators.yaml", loader.FILES["indicators.yaml"], [])
    assert "own translations" in (getattr(indicators, "translation_note", "") or "")
