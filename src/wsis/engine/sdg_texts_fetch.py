"""Download the official UN titles of the SDGs, targets and indicators in the six UN languages.

The UN SDG API (``/v1/sdg/Goal/List``) answers in English only; the six-language texts of the UN
resolutions are kept, one folder per language, by the Open SDG project (``open-sdg/sdg-translations``,
MIT licence, the texts are the UN's). This fetcher downloads that folder layout at a pinned commit -
``{base}/{language}/global_{goals,targets,indicators}.yml`` - into a local folder that
:func:`wsis.reference.sdg_translations.load_folder` reads, the same layout as ``WSIS_SHARED_DATA/sdg-texts``.

All or nothing: every file is downloaded and read (so a wrong or truncated answer is caught) before any
is written, and each is then written atomically. Failures raise
:class:`~wsis.engine.fetch.FetchError` naming the URL and the cause. The base URL can be overridden per
call or by ``WSIS_FETCH_SDG_TEXTS`` (how the tests point it at a local server).
"""

from __future__ import annotations

import os
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from wsis.engine.fetch import TIMEOUT, FetchError, download
from wsis.engine.fetch import _save as save  # the same atomic write as every fetched file
from wsis.reference.sdg_texts import SdgTextError
from wsis.reference.sdg_translations import FILES, LANGUAGE_FOLDERS, read_file

#: The Open SDG commit the shared test files were taken from: a fixed commit, so that a set-up is
#: repeatable and a change of the texts is a deliberate update of this line.
COMMIT = "0cda585851a5c6f04040a9a2755fbb4496c4eead"
DEFAULT_BASE = f"https://raw.githubusercontent.com/open-sdg/sdg-translations/{COMMIT}/translations"
ENVIRONMENT = "WSIS_FETCH_SDG_TEXTS"


@dataclass(frozen=True)
class FetchedTexts:
    folder: Path
    base: str
    files: tuple[Path, ...]


def base_url(base: str | None = None) -> str:
    root = base or os.environ.get(ENVIRONMENT) or DEFAULT_BASE
    if urllib.parse.urlsplit(root).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL for the SDG texts: {root!r}")
    return root.rstrip("/")


def fetch_sdg_texts(folder: Path, base: str | None = None, timeout: float = TIMEOUT) -> FetchedTexts:
    """Download the three title files of each of the six languages into ``folder/{language}/``."""
    root = base_url(base)
    bodies: dict[Path, bytes] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for language in LANGUAGE_FOLDERS:
            for kind, name in FILES.items():
                url = f"{root}/{urllib.parse.quote(language)}/{name}"
                body, _type = download(url, timeout, accept="application/yaml, text/plain")
                # Read it as the loader will, so a wrong answer (an HTML error page, a truncated file)
                # fails here, naming the URL, before anything is written.
                check = Path(scratch) / f"{language}-{name}"
                check.write_bytes(body)
                try:
                    read_file(check, kind)
                except SdgTextError as exc:
                    raise FetchError(url, f"not a file of SDG titles: {exc.element}: {exc.problem}") from None
                bodies[folder / language / name] = body
    for path, body in bodies.items():
        save(path.parent, path.name, body)
    return FetchedTexts(folder=folder, base=root, files=tuple(bodies))


__all__ = ["COMMIT", "DEFAULT_BASE", "ENVIRONMENT", "FetchedTexts", "base_url", "fetch_sdg_texts"]
