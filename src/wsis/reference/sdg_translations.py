"""The official UN titles of the SDG goals, targets and indicators in the six UN languages.

The UN publishes them in its resolutions (A/RES/70/1, A/RES/71/313 as revised) in each official language;
the Open SDG project keeps them as one folder per language with three YAML files, which is what the
platform loads (:mod:`wsis.engine.sdg_texts_fetch` downloads them, ``WSIS_SHARED_DATA/sdg-texts`` holds a
copy for the tests)::

    {language}/global_goals.yml       "9-title": ..., "9-short": ...
    {language}/global_targets.yml     "9-c-title": ...
    {language}/global_indicators.yml  "9-c-1-title": ...

Texts are normalised as the publisher's PDF extraction asks: line breaks and runs of spaces become one
space, the Arabic tatweel (U+0640, a stretching stroke with no meaning) is removed, and characters are
composed (Unicode NFC). Malformed input
raises :class:`~wsis.reference.sdg_texts.SdgTextError` naming the file, the key and the problem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from wsis.reference.sdg_texts import GOAL_CODE, INDICATOR_CODE, TARGET_CODE, SdgTextError, read_text

#: Folder name of each language -> the key of the platform's six-language texts ({"en": ..., "zh": ...}).
LANGUAGE_FOLDERS = {"ar": "ar", "en": "en", "es": "es", "fr": "fr", "ru": "ru", "zh-Hans": "zh"}
FILES = {"goals": "global_goals.yml", "targets": "global_targets.yml", "indicators": "global_indicators.yml"}
_PATTERNS = {"goals": GOAL_CODE, "targets": TARGET_CODE, "indicators": INDICATOR_CODE}
_KEY = re.compile(r"^(?P<code>[0-9a-z]+(?:-[0-9a-z]+)*)-(?P<field>title|short)$")
TATWEEL = "\u0640"


@dataclass(frozen=True)
class SdgTitles:
    """Official titles by kind and code, each ``{language: text}`` (the languages a file gave)."""

    source: str
    goals: dict[str, dict[str, str]] = field(default_factory=dict)
    targets: dict[str, dict[str, str]] = field(default_factory=dict)
    indicators: dict[str, dict[str, str]] = field(default_factory=dict)

    def of(self, kind: str) -> dict[str, dict[str, str]]:
        return {"goals": self.goals, "targets": self.targets, "indicators": self.indicators}[kind]

    @property
    def languages(self) -> list[str]:
        found = {lang for kind in FILES for texts in self.of(kind).values() for lang in texts}
        return sorted(found)


def normalise(text: str) -> str:
    """One line, single spaces, no tatweel, composed characters (NFC: some files write "â" as "a" and a
    combining circumflex, which neither search nor comparison would then match)."""
    return unicodedata.normalize("NFC", " ".join(text.replace(TATWEEL, "").split()))


def read_file(path: Path, kind: str) -> dict[str, str]:
    """One language's file of one kind as ``{UN code: title}`` (goals: the long title, not the short)."""
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "document"
        raise SdgTextError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict) or not data:
        raise SdgTextError(path, "document", "expected a mapping of keys like '9-c-title' to texts")
    out: dict[str, str] = {}
    for key, value in data.items():
        match = _KEY.match(str(key))
        if not match:
            raise SdgTextError(path, f"key {key!r}", "not a key like '9-c-title' or '9-short'")
        if match["field"] == "short":
            continue  # the goals' short names ("No poverty"); the platform shows the full title
        code = match["code"].replace("-", ".")
        if not _PATTERNS[kind].match(code):
            raise SdgTextError(path, f"key {key!r}", f"{code!r} is not an SDG {kind[:-1]} code")
        if not isinstance(value, str) or not normalise(value):
            raise SdgTextError(path, f"key {key!r}", f"the title must be a non-empty text, got {value!r}")
        out[code] = normalise(value)
    return out


def load_folder(folder: Path) -> SdgTitles:
    """Every language folder found under ``folder``; English is required, a missing other language or
    a code missing in one language is simply absent (the page then shows our English title, marked)."""
    if not folder.is_dir():
        raise SdgTextError(folder, "folder", "not found")
    if not (folder / "en").is_dir():
        raise SdgTextError(folder / "en", "folder", "not found: the English titles are required")
    titles = SdgTitles(source=f"UN SDG titles (Open SDG translations) in {folder}")
    for name, language in LANGUAGE_FOLDERS.items():
        if not (folder / name).is_dir():
            continue
        for kind, file_name in FILES.items():
            for code, text in read_file(folder / name / file_name, kind).items():
                titles.of(kind).setdefault(code, {})[language] = text
    for kind in FILES:
        for code, texts in titles.of(kind).items():
            if "en" not in texts:
                raise SdgTextError(folder / "en" / FILES[kind], f"code {code}", "no English title")
    return titles


__all__ = ["FILES", "LANGUAGE_FOLDERS", "SdgTitles", "load_folder", "normalise", "read_file"]
