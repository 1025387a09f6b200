"""Rules that span reference files: every code a file names must exist where it points.

Each rule returns :class:`~wsis.reference.loader.Problem` items rather than raising, so that one run of
``wsis reference check`` shows every problem at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from wsis.reference.loader import Knowledge, Problem
    from wsis.reference.schema import SectorSuggestion, TargetSuggestion


def cross_check(k: Knowledge) -> list[Problem]:
    problems: list[Problem] = []
    for rule in (_lines, _sdgs, _matrix, _regions, _memberships, _indicators, _targets, _crosswalk):
        problems.extend(rule(k))
    return problems


def _problem(file: str, entry: str, field: str, message: str) -> Problem:
    from wsis.reference.loader import Problem

    return Problem(file, entry, field, message)


def _lines(k: Knowledge) -> Iterable[Problem]:
    f = "action_lines.yaml"
    categories = sorted(line.prize_category for line in k.action_lines.values() if line.prize_category)
    if categories != list(range(1, 19)):
        yield _problem(
            f, "lines", "prize_category", f"prize categories must be 1-18 once each, got {categories}"
        )
    parents = {line.parent for line in k.action_lines.values() if line.parent}
    for code, line in k.action_lines.items():
        if line.parent and line.parent not in k.action_lines:
            yield _problem(f, f"lines ({code})", "parent", f"unknown action line {line.parent}")
        # A line split into sub-lines is no prize category itself; every other line is one.
        if code in parents and line.prize_category is not None:
            yield _problem(
                f, f"lines ({code})", "prize_category", "a line with sub-lines has no prize category"
            )
        if code not in parents and line.prize_category is None:
            yield _problem(f, f"lines ({code})", "prize_category", "required for a line without sub-lines")


def _sdgs(k: Knowledge) -> Iterable[Problem]:
    f = "sdg.yaml"
    if len(k.goals) != 17:
        yield _problem(f, "goals", "", f"expected 17 goals, found {len(k.goals)}")
    if len(k.targets) != 169:
        yield _problem(f, "targets", "", f"expected 169 targets, found {len(k.targets)}")
    for code, target in k.targets.items():
        if target.goal not in k.goals:
            yield _problem(f, f"targets ({code})", "code", f"goal {target.goal} does not exist")
    for code, indicator in k.sdg_indicators.items():
        if indicator.target not in k.targets:
            yield _problem(f, f"indicators ({code})", "code", f"target {indicator.target} does not exist")


def _matrix(k: Knowledge) -> Iterable[Problem]:
    f = "wsis_sdg_matrix.yaml"
    seen: set[tuple[str, str]] = set()
    for i, link in enumerate(k.matrix.links):
        entry = f"links[{i}] ({link.line} -> {link.target})"
        if link.line not in k.action_lines:
            yield _problem(f, entry, "line", f"unknown action line {link.line}")
        if link.target not in k.targets:
            yield _problem(f, entry, "target", f"unknown SDG target {link.target}")
        if (link.line, link.target) in seen:
            yield _problem(f, entry, "target", "link listed twice")
        seen.add((link.line, link.target))
    linked = {line for line, _ in seen}
    for code in k.action_lines:
        if code not in linked and not any(c.startswith(code + ".") for c in linked):
            yield _problem(f, "links", "line", f"action line {code} maps to no SDG target")
    versions = [change.version for change in k.matrix.changelog]
    if k.matrix.version not in versions:
        yield _problem(f, "changelog", "version", f"version {k.matrix.version} has no change-log entry")


def _regions(k: Knowledge) -> Iterable[Problem]:
    f = "economies.yaml"
    expected_parent = {"region": None, "subregion": "region", "intermediate": "subregion"}
    for code, region in k.regions.items():
        want = expected_parent[region.level]
        if want is None:
            continue
        parent = k.regions.get(region.parent or "")
        if parent is None or parent.level != want:
            yield _problem(f, f"regions ({code})", "parent", f"must be an existing {want}")
    for code, economy in k.economies.items():
        for field, level in (
            ("region", "region"),
            ("subregion", "subregion"),
            ("intermediate_region", "intermediate"),
        ):
            value = getattr(economy, field)
            if value is not None and (value not in k.regions or k.regions[value].level != level):
                yield _problem(f, f"economies ({code})", field, f"{value} is not an M49 {level}")
        if economy.subregion and k.regions.get(economy.subregion) is not None:
            if k.regions[economy.subregion].parent != economy.region:
                yield _problem(f, f"economies ({code})", "subregion", "is not inside the economy's region")
        if economy.names is None or not economy.names.complete():
            yield _problem(f, f"economies ({code})", "names", "needs a name in each of the six UN languages")


def _memberships(k: Knowledge) -> Iterable[Problem]:
    f = "groups.yaml"
    periods: dict[tuple[str, str], list] = defaultdict(list)
    for i, m in enumerate(k.memberships):
        entry = f"memberships[{i}] ({m.group}/{m.economy})"
        if m.group not in k.groups:
            yield _problem(f, entry, "group", f"unknown group {m.group}")
        if m.economy not in k.economies:
            yield _problem(f, entry, "economy", f"unknown economy {m.economy}")
        periods[(m.group, m.economy)].append(m)
    for (group, economy), spans in periods.items():
        spans.sort(key=lambda m: m.valid_from)
        for before, after in zip(spans, spans[1:], strict=False):
            if before.valid_to is None or before.valid_to > after.valid_from:
                yield _problem(
                    f,
                    f"memberships ({group}/{economy})",
                    "valid_from",
                    f"period from {after.valid_from} overlaps the one from {before.valid_from}",
                )


def _indicators(k: Knowledge) -> Iterable[Problem]:
    f = "indicators.yaml"
    for code, indicator in k.indicators.items():
        if indicator.sdg_indicator and indicator.sdg_indicator not in k.sdg_indicators:
            yield _problem(
                f, f"indicators ({code})", "sdg_indicator", f"unknown SDG indicator {indicator.sdg_indicator}"
            )


#: Aggregates a target may name besides the groups of groups.yaml: the world, and the developing
#: economies (ITU and the Broadband Commission use the term without one official list).
TARGET_AGGREGATES = {"WLD", "DEVELOPING"}


def _targets(k: Knowledge) -> Iterable[Problem]:
    f = "targets.yaml"
    for code, target in k.connectivity_targets.items():
        if target.group not in k.groups and target.group not in TARGET_AGGREGATES:
            yield _problem(f, f"targets ({code})", "group", f"unknown group {target.group}")
        if target.indicator and target.indicator not in k.indicators:
            yield _problem(f, f"targets ({code})", "indicator", f"unknown indicator {target.indicator}")
        if target.direction != "parity" and target.indicator and target.threshold is None:
            yield _problem(f, f"targets ({code})", "threshold", "a quantified target needs a threshold")
        if target.base_year is not None and target.base_year >= target.target_year:
            yield _problem(f, f"targets ({code})", "base_year", "must come before the target year")


def _crosswalk(k: Knowledge) -> Iterable[Problem]:
    """Every suggested line exists; a target's lines are its links in the matrix (which its source cites);
    a code is listed once, and never both ICT-related alone and only with an ICT tag."""
    f = "action_line_crosswalk.yaml"
    walk = k.crosswalk
    sections: dict[str, Sequence[SectorSuggestion | TargetSuggestion]] = {
        "sectors": walk.sectors,
        "targets": walk.targets,
        "with_ict_tag": walk.with_ict_tag,
    }
    for section, rows in sections.items():
        seen: set[str] = set()
        for i, row in enumerate(rows):
            entry = f"{section}[{i}] ({row.code})"
            if row.code in seen:
                yield _problem(f, entry, "code", "listed twice")
            seen.add(row.code)
            for line in row.lines:
                if line not in k.action_lines:
                    yield _problem(f, entry, "lines", f"unknown action line {line}")
    for i, target in enumerate(walk.targets):
        entry = f"targets[{i}] ({target.code})"
        if target.code not in k.targets:
            yield _problem(f, entry, "code", f"unknown SDG target {target.code}")
            continue
        linked = set(k.lines_for_target(target.code))
        for line in target.lines:
            if line in k.action_lines and line not in linked:
                yield _problem(
                    f, entry, "lines", f"{line} is not linked to {target.code} in wsis_sdg_matrix.yaml"
                )
    alone = {row.code for row in walk.sectors}
    for i, row in enumerate(walk.with_ict_tag):
        if row.code in alone:
            yield _problem(
                f, f"with_ict_tag[{i}] ({row.code})", "code", "also under sectors (ICT-related by itself)"
            )


def missing_translations(k: Knowledge) -> list[Problem]:
    """Our own English texts lacking a language: matrix rationales and indicator definitions.

    Not part of :func:`cross_check`: a facilitator may add a link in English before it is translated
    (the page then shows the English text marked with its language). The test suite lists these.
    """
    from wsis.reference.schema import TRANSLATION_LANGUAGES

    problems: list[Problem] = []
    texts = [
        (
            "wsis_sdg_matrix.yaml",
            f"links ({link.line} -> {link.target})",
            "rationale_translations",
            link.rationale_translations,
        )
        for link in k.matrix.links
    ] + [
        ("indicators.yaml", f"indicators ({code})", "definition_translations", entry.definition_translations)
        for code, entry in k.indicators.items()
    ]
    for file, entry, field, translations in texts:
        # The schema refuses empty texts (min_length), so a language is either there or absent.
        absent = [lang for lang in TRANSLATION_LANGUAGES if lang not in translations]
        if absent:
            problems.append(_problem(file, entry, field, f"no translation in {', '.join(absent)}"))
    return problems
