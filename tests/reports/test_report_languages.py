"""The generated text in the six languages: proper plural forms and each locale's numbers; Arabic PDFs
shaped and laid out right to left, Chinese and Russian drawn with fonts that have every glyph. PNG pages of
the Arabic and Chinese PDFs are saved to test-artifacts/ (report-2024-ar-1.png, report-2024-zh-1.png)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from tests.public.test_public_screenshots import ARTIFACTS
from wsis.apps.reports.enums import LANGUAGES

YEAR = 2024


@pytest.fixture(scope="module")
def reports(site_data, django_db_blocker, tmp_path_factory):
    """The 2024 report generated in every language, with its PDF."""
    from wsis.apps.reports.domain.document import document
    from wsis.apps.reports.domain.drafts import generate
    from wsis.apps.reports.interfaces.render import pdf
    from wsis.apps.reports.models import Report

    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    with django_db_blocker.unblock():
        for language in LANGUAGES:
            doc = document(generate(kind="annual", year=YEAR, language=language))
            path = folder / f"report-{language}.pdf"
            if language in ("ar", "zh", "ru", "en"):
                path.write_bytes(pdf(doc))
            out[language] = {"doc": doc, "pdf": path}
        yield out
        Report.objects.all().delete()


def _texts(doc) -> list[str]:
    return [p["text"] for s in doc["sections"] for p in s["paragraphs"]]


@pytest.mark.django_db
def test_every_language_has_its_own_text_and_the_same_figures(reports):
    english = reports["en"]["doc"]
    for language in LANGUAGES:
        doc = reports[language]["doc"]
        assert [n["figure"]["value"] for n in doc["footnotes"]] == [
            n["figure"]["value"] for n in english["footnotes"]
        ]
        if language != "en":
            same = [a for a, b in zip(_texts(doc), _texts(english), strict=True) if a == b]
            assert not same, f"{language}: paragraphs left in English: {same}"
            assert doc["title"] != english["title"]


@pytest.mark.django_db
def test_numbers_are_written_in_each_locale_s_way(reports):
    world = {
        language: reports[language]["doc"]["sections"][2]["paragraphs"][0]["text"] for language in LANGUAGES
    }
    assert "68.7%[^1]" in world["en"]
    assert "68,7\xa0%[^1]" in world["fr"] and "68,7\xa0%[^1]" in world["ru"]
    assert "2,52 milliards" in world["fr"] and "2,52 миллиарда" in world["ru"] and "25.18亿" in world["zh"]


@pytest.mark.parametrize(
    "language,expected",
    [
        ("en", {1: "on 1 contribution received", 2: "on 2 contributions received"}),
        (
            "fr",
            {0: "sur 0 contribution reçue", 1: "sur 1 contribution reçue", 2: "sur 2 contributions reçues"},
        ),
        ("es", {1: "en 1 contribución recibida", 3: "en 3 contribuciones recibidas"}),
        ("ru", {1: "на 1 материале", 21: "на 21 материале", 2: "на 2 материалах", 5: "на 5 материалах"}),
        (
            "ar",
            {
                1: "مساهمة واحدة (1)",
                2: "مساهمتين (2)",
                3: "إلى 3 مساهمات",
                11: "إلى 11 مساهمة",
                100: "إلى 100 مساهمة",
            },
        ),
        ("zh-hans", {1: "收到的1份材料", 5: "收到的5份材料"}),
    ],
)
def test_counted_sentences_take_each_language_s_plural_forms(language, expected):
    from django.utils.translation import npgettext

    singular = (
        "The report is based on %(n)s contribution received in response to the secretariat's call for inputs."
    )
    plural = "The report is based on %(n)s contributions received in response to the secretariat's call for inputs."  # noqa: E501
    with translation.override(language):
        for n, part in expected.items():
            assert part in npgettext("report", singular, plural, n) % {"n": n}, f"{language} {n}"


def _pages(pdf: Path, name: str) -> list[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / name)], check=True
    )
    found = sorted(ARTIFACTS.glob(f"{name}-*.png"))
    assert found, f"pdftoppm made no page of {pdf}"
    return found


def _fonts(pdf: Path) -> list[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:] if line.strip()]


def _cmap(font: str) -> set[int]:
    """The characters the system font a PDF embeds (subset name ``Noto-Naskh-Arabic-Bold``) covers."""
    from fontTools.ttLib import TTCollection, TTFont

    family, _, style = font.replace("-", " ").partition(" Bold")
    pattern = f"{family.strip()}:style={'Bold' if _ else 'Regular'}"
    path = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True).stdout
    fonts = TTCollection(path).fonts if path.endswith(".ttc") else [TTFont(path, lazy=True)]
    covered: set[int] = set()
    for f in fonts:
        covered |= set(f.getBestCmap() or {})
    return covered


def _missing_glyphs(doc, pdf: Path) -> set[str]:
    """Characters of the report that no font embedded in its PDF has: they would print as .notdef boxes."""
    covered: set[int] = set()
    for font in _fonts(pdf):
        covered |= _cmap(font)
    text = doc["title"] + "".join(_texts(doc)) + "".join(n["text"] for n in doc["footnotes"])
    text = re.sub(r"\[\^\d+\]", "", text)
    return {c for c in text if not c.isspace() and ord(c) not in covered}


@pytest.mark.django_db
def test_the_arabic_pdf_is_laid_out_right_to_left_with_every_glyph(reports):
    doc, pdf = reports["ar"]["doc"], reports["ar"]["pdf"]
    _pages(pdf, f"report-{YEAR}-ar")
    assert any(f.startswith("Noto-Naskh-Arabic") for f in _fonts(pdf)), _fonts(pdf)
    assert not _missing_glyphs(doc, pdf)
    # pdftotext's word boxes are in visual order: on the heading's first line, the words of the title read
    # from the right - "التقدم" (first) right of "المحرز", right of "في".
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [
        (float(x0), float(y0), float(x1), w[::-1])
        for x0, y0, x1, w in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]+)<', boxes
        )
    ]
    lines: dict[float, dict[str, tuple]] = {}
    for w in words:
        lines.setdefault(round(w[1]), {})[w[3]] = w
    line = next(
        found for _, found in sorted(lines.items()) if {"التقدم", "المحرز", "في"} <= set(found) and _ > 60
    )
    assert line["التقدم"][0] > line["المحرز"][0] > line["في"][0]
    right_margin = max(w[2] for w in words)
    assert line["التقدم"][2] == pytest.approx(right_margin, abs=2), "the heading starts at the right margin"
    # The numbered paragraphs put their number on the right too.
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "التقدم المحرز في تنفيذ نتائج القمة العالمية" in text


@pytest.mark.django_db
@pytest.mark.parametrize("language,font", [("zh", "Noto-Serif-CJK-SC"), ("ru", "Noto-Serif")])
def test_chinese_and_russian_pdfs_use_fonts_with_every_glyph(reports, language, font):
    doc, pdf = reports[language]["doc"], reports[language]["pdf"]
    if language == "zh":
        _pages(pdf, f"report-{YEAR}-zh")
    assert font in _fonts(pdf), _fonts(pdf)
    assert not _missing_glyphs(doc, pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert doc["sections"][1]["title"] in text
