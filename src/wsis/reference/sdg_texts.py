"""The official SDG goal, target and indicator texts, read from the publishers' own files.

The project ships only its own short titles (``data/sdg.yaml``); the official wording stays with its
publishers and is read at run time from one of two formats:

* the IATI code lists ``UNSDG-Goals.xml`` and ``UNSDG-Targets.xml`` (English plus French narratives);
* the UN SDG API (v1) answer to ``/v1/sdg/Goal/List?includechildren=true``: a JSON list of goals, each
  with its targets, each target with its indicators (and optionally their data series).

Both give an :class:`OfficialSdg` keyed by code. Malformed input raises :class:`SdgTextError` naming the
file, the element and the problem. :func:`compare` reports where ``sdg.yaml`` and the official list differ.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from wsis.reference.schema import SdgFile

#: The attribute ElementTree gives ``xml:lang``.
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

GOAL_CODE = re.compile(r"^([1-9]|1[0-7])$")
TARGET_CODE = re.compile(r"^([1-9]|1[0-7])\.([1-9][0-9]?|[a-z])$")
INDICATOR_CODE = re.compile(r"^([1-9]|1[0-7])\.([1-9][0-9]?|[a-z])\.[1-9][0-9]?$")

#: File names of the two IATI code lists inside a code-list folder.
IATI_GOALS = "UNSDG-Goals.xml"
IATI_TARGETS = "UNSDG-Targets.xml"


class SdgTextError(ValueError):
    """An official SDG file is malformed: which file, which element, what is wrong."""

    def __init__(self, file: str | Path, element: str, problem: str):
        self.file = str(file)
        self.element = element
        self.problem = problem
        super().__init__(f"{self.file}: {element}: {problem}")


@dataclass(frozen=True)
class OfficialIndicator:
    code: str
    title: str
    series: tuple[str, ...] = ()

    @property
    def target(self) -> str:
        return self.code.rsplit(".", 1)[0]


@dataclass(frozen=True)
class OfficialTarget:
    code: str
    title: str  # English
    titles: dict[str, str] = field(default_factory=dict)  # by language code, English included
    indicators: tuple[str, ...] = ()  # indicator codes, in the publisher's order

    @property
    def goal(self) -> str:
        return self.code.split(".")[0]


@dataclass(frozen=True)
class OfficialGoal:
    code: str
    title: str  # English, as published (the IATI list prefixes "Goal N. ")
    titles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OfficialSdg:
    """Official goals, targets and (UN API only) indicators, each keyed by its UN code."""

    source: str
    goals: dict[str, OfficialGoal]
    targets: dict[str, OfficialTarget]
    indicators: dict[str, OfficialIndicator] = field(default_factory=dict)


# --- IATI code lists (XML) -------------------------------------------------------------------------


def _parse_xml(path: Path) -> Element:
    """Parse without entities, DTDs or network: the files come from outside the project."""
    if not path.is_file():
        raise SdgTextError(path, "file", "not found")
    try:
        tree = SafeET.parse(str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise SdgTextError(path, f"line {line}, column {column}", f"not well-formed XML: {exc}") from exc
    except defusedxml.DefusedXmlException as exc:
        raise SdgTextError(
            path, "document", f"forbidden XML construct ({type(exc).__name__}): {exc}"
        ) from exc
    return tree.getroot()


def read_iati_codelist(path: Path, expected_name: str) -> dict[str, dict[str, str]]:
    """One IATI code list as ``{code: {language: text}}``, withdrawn items left out.

    The list's ``xml:lang`` is the language of narratives that carry none (English in IATI's files).
    """
    root = _parse_xml(path)
    if root.tag != "codelist":
        raise SdgTextError(path, f"<{root.tag}>", "root element must be <codelist>")
    if root.get("name") != expected_name:
        raise SdgTextError(path, "<codelist>", f"name is {root.get('name')!r}, expected {expected_name!r}")
    default_language = root.get(XML_LANG, "en")
    items = root.find("codelist-items")
    if items is None:
        raise SdgTextError(path, "<codelist>", "has no <codelist-items>")
    out: dict[str, dict[str, str]] = {}
    for index, item in enumerate(items.findall("codelist-item"), start=1):
        where = f"codelist-item[{index}]"
        code = (item.findtext("code") or "").strip()
        if not code:
            raise SdgTextError(path, where, "missing or empty <code>")
        where = f"{where} (code {code})"
        if item.get("status") == "withdrawn":
            continue
        if code in out:
            raise SdgTextError(path, where, "duplicate code")
        texts: dict[str, str] = {}
        for narrative in item.findall("name/narrative"):
            text = " ".join((narrative.text or "").split())
            if text:
                texts[narrative.get(XML_LANG, default_language)] = text
        if "en" not in texts:
            raise SdgTextError(path, f"{where}/name/narrative", "no English text")
        out[code] = texts
    if not out:
        raise SdgTextError(path, "<codelist-items>", "no codes")
    return out


def load_iati(goals_path: Path, targets_path: Path) -> OfficialSdg:
    """The official goals and targets from IATI's ``UNSDG-Goals.xml`` and ``UNSDG-Targets.xml``."""
    goal_texts = read_iati_codelist(goals_path, "UNSDG-Goals")
    target_texts = read_iati_codelist(targets_path, "UNSDG-Targets")
    goals: dict[str, OfficialGoal] = {}
    for code, texts in goal_texts.items():
        _check_code(GOAL_CODE, code, goals_path, f"codelist-item (code {code})", "goal")
        goals[code] = OfficialGoal(code, texts["en"], texts)
    targets: dict[str, OfficialTarget] = {}
    for code, texts in target_texts.items():
        where = f"codelist-item (code {code})"
        _check_code(TARGET_CODE, code, targets_path, where, "target")
        if code.split(".")[0] not in goals:
            raise SdgTextError(targets_path, where, f"goal {code.split('.')[0]} is not in {goals_path.name}")
        targets[code] = OfficialTarget(code, texts["en"], texts)
    return OfficialSdg(
        source=f"IATI code lists {goals_path.name}, {targets_path.name}", goals=goals, targets=targets
    )


def load_iati_folder(codelists: Path) -> OfficialSdg:
    """:func:`load_iati` on a folder of IATI code lists (e.g. ``shared/data/iati/codelists``)."""
    return load_iati(codelists / IATI_GOALS, codelists / IATI_TARGETS)


def _check_code(pattern: re.Pattern[str], code: str, path: Path | str, where: str, kind: str) -> None:
    if not pattern.match(code):
        raise SdgTextError(path, where, f"{code!r} is not an SDG {kind} code")


# --- UN SDG API (JSON) -----------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A publisher's file as text, or an SdgTextError saying it is missing or not UTF-8."""
    if not path.is_file():
        raise SdgTextError(path, "file", "not found")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SdgTextError(path, "file", f"not UTF-8 text: {exc}") from exc


def load_un_api(path: Path) -> OfficialSdg:
    """The official texts from a saved UN SDG API v1 answer (``Goal/List?includechildren=true``)."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise SdgTextError(
            path, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}"
        ) from exc
    return parse_un_api(data, path)


def parse_un_api(data: Any, source: str | Path = "<UN SDG API answer>") -> OfficialSdg:
    """Read the decoded JSON of a ``Goal/List?includechildren=true`` answer."""
    if not isinstance(data, list):
        raise SdgTextError(source, "document", "expected a JSON list of goals")
    goals: dict[str, OfficialGoal] = {}
    targets: dict[str, OfficialTarget] = {}
    indicators: dict[str, OfficialIndicator] = {}
    for g, goal in enumerate(data):
        where = f"goals[{g}]"
        code = _text(goal, "code", source, where)
        _check_code(GOAL_CODE, code, source, where, "goal")
        if code in goals:
            raise SdgTextError(source, f"{where} (goal {code})", "duplicate goal code")
        goal_title = _text(goal, "title", source, where)
        goals[code] = OfficialGoal(code, goal_title, {"en": goal_title})
        for t, target in enumerate(_list(goal, "targets", source, where)):
            t_where = f"{where}.targets[{t}]"
            t_code = _text(target, "code", source, t_where)
            _check_code(TARGET_CODE, t_code, source, t_where, "target")
            if t_code.split(".")[0] != code:
                raise SdgTextError(source, f"{t_where} (target {t_code})", f"listed under goal {code}")
            if t_code in targets:
                raise SdgTextError(source, f"{t_where} (target {t_code})", "duplicate target code")
            title = _text(target, "title", source, t_where)
            codes = []
            for i, indicator in enumerate(_list(target, "indicators", source, t_where, required=False)):
                read = _indicator(indicator, t_code, source, f"{t_where}.indicators[{i}]")
                if read.code in indicators:
                    raise SdgTextError(source, f"{t_where}.indicators[{i}] ({read.code})", "duplicate code")
                indicators[read.code] = read
                codes.append(read.code)
            targets[t_code] = OfficialTarget(t_code, title, {"en": title}, tuple(codes))
    if not goals:
        raise SdgTextError(source, "document", "no goals")
    return OfficialSdg(
        source=f"UN SDG API answer {Path(source).name}", goals=goals, targets=targets, indicators=indicators
    )


def _indicator(item: Any, target: str, source: str | Path, where: str) -> OfficialIndicator:
    code = _text(item, "code", source, where)
    _check_code(INDICATOR_CODE, code, source, where, "indicator")
    if code.rsplit(".", 1)[0] != target:
        raise SdgTextError(source, f"{where} ({code})", f"listed under target {target}")
    # The API gives an indicator's text as "description"; accept "title" as well.
    key = "description" if isinstance(item.get("description"), str) else "title"
    series = tuple(
        _text(s, "code", source, f"{where}.series[{n}]")
        for n, s in enumerate(_list(item, "series", source, where, required=False))
    )
    return OfficialIndicator(code, _text(item, key, source, where), series)


def _text(item: Any, key: str, source: str | Path, where: str) -> str:
    if not isinstance(item, dict):
        raise SdgTextError(source, where, f"expected an object, got {type(item).__name__}")
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SdgTextError(source, where, f"'{key}' must be a non-empty string, got {value!r}")
    return value.strip()


def _list(item: Any, key: str, source: str | Path, where: str, required: bool = True) -> list[Any]:
    if not isinstance(item, dict):
        raise SdgTextError(source, where, f"expected an object, got {type(item).__name__}")
    value = item.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise SdgTextError(source, where, f"'{key}' must be a list, got {value!r}")
    return value


# --- comparison with sdg.yaml ----------------------------------------------------------------------


@dataclass(frozen=True)
class SdgDifferences:
    """Codes in the official list but not in ``sdg.yaml`` (missing) and the reverse (unknown)."""

    source: str
    missing_goals: list[str]
    unknown_goals: list[str]
    missing_targets: list[str]
    unknown_targets: list[str]
    #: Our indicators absent from the official list; empty when the official source has no indicators.
    unknown_indicators: list[str]
    #: Our indicators' series the official source does not list for them, as "4.4.1: CODE".
    unknown_series: list[str]

    @property
    def same(self) -> bool:
        return not any(
            (
                self.missing_goals,
                self.unknown_goals,
                self.missing_targets,
                self.unknown_targets,
                self.unknown_indicators,
                self.unknown_series,
            )
        )

    def report(self) -> str:
        if self.same:
            return f"sdg.yaml agrees with {self.source}"
        parts = [f"sdg.yaml differs from {self.source}:"]
        for label, codes in (
            ("goals missing from sdg.yaml", self.missing_goals),
            ("goals not in the official list", self.unknown_goals),
            ("targets missing from sdg.yaml", self.missing_targets),
            ("targets not in the official list", self.unknown_targets),
            ("indicators not in the official list", self.unknown_indicators),
            ("series not in the official list", self.unknown_series),
        ):
            if codes:
                parts.append(f"  {label}: {', '.join(codes)}")
        return "\n".join(parts)


def compare(official: OfficialSdg, ours: SdgFile) -> SdgDifferences:
    """Where the codes of ``sdg.yaml`` and an official list differ (texts are not compared)."""
    our_goals = {g.code for g in ours.goals}
    our_targets = {t.code for t in ours.targets}
    unknown_indicators: list[str] = []
    unknown_series: list[str] = []
    if official.indicators:
        for indicator in ours.indicators:
            published = official.indicators.get(indicator.code)
            if published is None:
                unknown_indicators.append(indicator.code)
            elif published.series:
                unknown_series.extend(
                    f"{indicator.code}: {s}" for s in indicator.series if s not in published.series
                )
    return SdgDifferences(
        source=official.source,
        missing_goals=_sorted_codes(set(official.goals) - our_goals),
        unknown_goals=_sorted_codes(our_goals - set(official.goals)),
        missing_targets=_sorted_codes(set(official.targets) - our_targets),
        unknown_targets=_sorted_codes(our_targets - set(official.targets)),
        unknown_indicators=_sorted_codes(unknown_indicators),
        unknown_series=unknown_series,
    )


def shipped_sdg(directory: Path | None = None) -> SdgFile:
    """``sdg.yaml`` alone, validated (the other reference files need not exist or be valid)."""
    from wsis.reference import loader  # the loader imports much more; only this function needs it

    problems: list[loader.Problem] = []
    parsed = loader._read((directory or loader.reference_dir()) / "sdg.yaml", SdgFile, problems)
    if parsed is None:
        raise loader.ReferenceDataError(problems)
    return parsed


def _sorted_codes(codes: Iterable[str]) -> list[str]:
    """SDG order: 1.2 before 1.10, numbers before letters (1.5 before 1.a)."""

    def key(code: str) -> tuple[tuple[int, int | str], ...]:
        return tuple((0, int(part)) if part.isdigit() else (1, part) for part in code.split("."))

    return sorted(codes, key=key)
