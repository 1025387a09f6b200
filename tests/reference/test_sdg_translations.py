"""The official UN SDG titles in the six languages: read from the publisher's files (the shared copy of
Open SDG's translations), downloaded by the fetcher from a local server standing in for the publisher,
and refused with a clear error, leaving nothing behind, when a file is wrong."""

from __future__ import annotations

import shutil
import threading
import unicodedata
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from wsis.engine.fetch import FetchError
from wsis.engine.sdg_texts_fetch import fetch_sdg_texts
from wsis.reference import sdg_translations
from wsis.reference.sdg_texts import SdgTextError, shipped_sdg


@pytest.fixture(scope="module")
def texts_folder(shared: Path) -> Path:
    return shared / "sdg-texts"


@pytest.fixture(scope="module")
def titles(texts_folder: Path) -> sdg_translations.SdgTitles:
    return sdg_translations.load_folder(texts_folder)


@pytest.fixture
def copy(texts_folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "sdg-texts"
    shutil.copytree(texts_folder, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # the shared files are read-only
    return target


def test_every_goal_target_and_indicator_has_its_title_in_the_six_languages(titles) -> None:
    assert (len(titles.goals), len(titles.targets)) == (17, 169)
    assert len(titles.indicators) > 230
    assert titles.languages == ["ar", "en", "es", "fr", "ru", "zh"]
    assert all(
        len(texts) == 6 for kind in ("goals", "targets", "indicators") for texts in titles.of(kind).values()
    )
    # The texts the platform is about, in the UN's wording.
    assert titles.indicators["17.8.1"]["en"] == "Proportion of individuals using the Internet"
    assert "least developed countries" in titles.targets["9.c"]["en"]
    assert "信息和通信技术" in titles.targets["5.b"]["zh"]
    assert titles.goals["9"]["fr"].startswith("Bâtir une infrastructure résiliente")


def test_every_code_of_sdg_yaml_has_an_official_title(titles) -> None:
    ours = shipped_sdg()
    assert {g.code for g in ours.goals} <= set(titles.goals)
    assert {t.code for t in ours.targets} <= set(titles.targets)
    assert {i.code for i in ours.indicators} <= set(titles.indicators)


def test_pdf_extraction_leftovers_are_normalised(texts_folder: Path, titles) -> None:
    raw = (texts_folder / "ar" / "global_targets.yml").read_text(encoding="utf-8")
    assert sdg_translations.TATWEEL in raw, "the shared Arabic file keeps tatweel: the test needs it"
    every = [
        t for kind in ("goals", "targets", "indicators") for x in titles.of(kind).values() for t in x.values()
    ]
    assert not any(sdg_translations.TATWEEL in t or "\n" in t or "  " in t for t in every)
    assert all(unicodedata.is_normalized("NFC", t) for t in every)


def test_a_missing_language_is_left_out_but_english_is_required(copy: Path) -> None:
    shutil.rmtree(copy / "ru")
    titles = sdg_translations.load_folder(copy)
    assert "ru" not in titles.languages and titles.targets["9.c"]["fr"]
    shutil.rmtree(copy / "en")
    with pytest.raises(
        SdgTextError, match=r"sdg-texts/en: folder: not found: the English titles are required"
    ):
        sdg_translations.load_folder(copy)


@pytest.mark.parametrize(
    ("content", "element", "problem"),
    [
        ("9-c-title: [unclosed\n", "line 2, column 1", "not valid YAML"),
        ("9-c-name: x\n", "key '9-c-name'", "not a key like '9-c-title'"),
        ("9-z-9-title: x\n", "key '9-z-9-title'", "'9.z.9' is not an SDG target code"),
        ("9-c-title: ''\n", "key '9-c-title'", "the title must be a non-empty text"),
        ("- a list\n", "document", "expected a mapping"),
    ],
)
def test_a_malformed_file_names_file_key_and_problem(copy: Path, content, element, problem) -> None:
    path = copy / "fr" / "global_targets.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SdgTextError) as err:
        sdg_translations.load_folder(copy)
    assert err.value.file == str(path)
    assert err.value.element == element
    assert err.value.problem.startswith(problem)


# --- the fetcher, against a local server standing in for the publisher ----------------------------------


@pytest.fixture
def publisher(copy: Path) -> Iterator[str]:
    """An HTTP server answering with the files of `copy`, as raw.githubusercontent.com would."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(copy))
    handler.log_message = lambda *args: None  # type: ignore[assignment,method-assign]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_downloads_the_six_languages_in_the_loader_layout(
    publisher: str, tmp_path: Path, titles
) -> None:
    fetched = fetch_sdg_texts(tmp_path / "out", base=publisher)
    assert len(fetched.files) == 18
    assert sdg_translations.load_folder(tmp_path / "out") == sdg_translations.SdgTitles(
        source=f"UN SDG titles (Open SDG translations) in {tmp_path / 'out'}",
        goals=titles.goals,
        targets=titles.targets,
        indicators=titles.indicators,
    )


def test_fetch_through_the_environment_variable(publisher: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("WSIS_FETCH_SDG_TEXTS", publisher)
    assert fetch_sdg_texts(tmp_path / "out").base == publisher


def test_a_missing_or_wrong_file_fails_naming_the_url_and_writes_nothing(
    publisher: str, copy: Path, tmp_path: Path
) -> None:
    (copy / "zh-Hans" / "global_indicators.yml").unlink()
    with pytest.raises(FetchError, match=r"/zh-Hans/global_indicators.yml: HTTP 404"):
        fetch_sdg_texts(tmp_path / "out", base=publisher)
    assert not (tmp_path / "out").exists()

    (copy / "zh-Hans" / "global_indicators.yml").write_text("<html>Rate limited</html>", encoding="utf-8")
    with pytest.raises(
        FetchError, match=r"/zh-Hans/global_indicators.yml: not a file of SDG titles: document"
    ):
        fetch_sdg_texts(tmp_path / "out", base=publisher)
    assert not (tmp_path / "out").exists()


def test_an_unreachable_publisher_is_named(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"http://127.0.0.1:9/ar/global_goals.yml: cannot reach the server"):
        fetch_sdg_texts(tmp_path / "out", base="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="not an http"):
        fetch_sdg_texts(tmp_path / "out", base="file:///etc")
