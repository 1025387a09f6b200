"""Load, validate and cross-check the reference knowledge shipped with the package.

Loading is all or nothing: every file is parsed and validated, every cross-file rule is checked, and
only then is a :class:`Knowledge` returned. Any problem raises :class:`ReferenceDataError` listing each
problem with its file, entry and field, so the platform never starts on half-loaded knowledge.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from wsis.reference import cldr, un_names
from wsis.reference.schema import (
    ActionLine,
    ActionLinesFile,
    CrosswalkFile,
    EconomiesFile,
    Economy,
    Group,
    GroupsFile,
    Indicator,
    IndicatorsFile,
    MatrixFile,
    Membership,
    Names,
    Region,
    SdgFile,
    SdgGoal,
    SdgIndicator,
    SdgTarget,
    Target,
    TargetsFile,
)

#: Where the shipped files live; ``WSIS_REFERENCE_DIR`` points elsewhere (tests, a fork's own data).
PACKAGE_DATA = Path(__file__).parent / "data"

#: Each file of the reference knowledge and the model that validates it.
FILES: dict[str, type[BaseModel]] = {
    "action_lines.yaml": ActionLinesFile,
    "sdg.yaml": SdgFile,
    "wsis_sdg_matrix.yaml": MatrixFile,
    "economies.yaml": EconomiesFile,
    "groups.yaml": GroupsFile,
    "indicators.yaml": IndicatorsFile,
    "targets.yaml": TargetsFile,
    "action_line_crosswalk.yaml": CrosswalkFile,
}

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a reference file: where it is and what is wrong."""

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" + (f", field '{self.field}'" if self.field else "")
        return f"{where}: {self.message}"


class ReferenceDataError(Exception):
    """The reference knowledge is not valid; ``problems`` says every place where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"reference data is invalid ({len(problems)} problem(s)):\n{lines}")


@dataclass(frozen=True)
class Knowledge:
    """The validated reference knowledge, indexed by code."""

    directory: Path
    versions: dict[str, str]
    action_lines: dict[str, ActionLine]
    goals: dict[str, SdgGoal]
    targets: dict[str, SdgTarget]
    sdg_indicators: dict[str, SdgIndicator]
    matrix: MatrixFile
    regions: dict[str, Region]
    economies: dict[str, Economy]
    groups: dict[str, Group]
    memberships: list[Membership]
    indicators: dict[str, Indicator]
    connectivity_targets: dict[str, Target]
    #: DAC sectors and SDG targets -> suggested action lines, for publishers' IATI files.
    crosswalk: CrosswalkFile
    extra: dict[str, Any] = field(default_factory=dict)

    def members(self, group: str, on: Any) -> list[str]:
        """ISO3 codes of the economies in ``group`` on the date ``on``."""
        return sorted(m.economy for m in self.memberships if m.group == group and m.covers(on))

    def groups_of(self, economy: str) -> list[Membership]:
        return sorted(
            (m for m in self.memberships if m.economy == economy), key=lambda m: (m.group, m.valid_from)
        )

    def lines_for_target(self, target: str) -> list[str]:
        return sorted({link.line for link in self.matrix.links if link.target == target})

    def targets_for_line(self, line: str) -> list[str]:
        return [link.target for link in self.matrix.links if link.line == line]


def reference_dir() -> Path:
    override = os.environ.get("WSIS_REFERENCE_DIR")
    return Path(override) if override else PACKAGE_DATA


def _entry_label(data: Any, loc: tuple[Any, ...]) -> tuple[str, str]:
    """Turn a pydantic error location into ("lines[3] (code C4)", "name.en")."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        label = f"{section}[{index}]"
        try:
            item = data[section][index]
            key = next((item[k] for k in ("code", "iso3", "m49", "line") if k in item), None)
            if key is not None:
                label += f" ({key})"
            if "group" in item and "economy" in item:
                label += f" ({item['group']}/{item['economy']})"
        except (KeyError, IndexError, TypeError):
            pass
        return label, ".".join(str(p) for p in loc[2:])
    return "header", ".".join(str(p) for p in loc)


def _read(path: Path, model: type[M], problems: list[Problem]) -> M | None:
    name = path.name
    if not path.is_file():
        problems.append(Problem(name, "file", "", f"missing (looked in {path.parent})"))
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, "file", "", f"not UTF-8 text: {exc}"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problems.append(Problem(name, where, "", f"not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(name, "file", "", "expected a mapping at the top level"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            entry, fld = _entry_label(data, tuple(err["loc"]))
            problems.append(Problem(name, entry, fld, err["msg"]))
        return None


def _index(items: list[M], key: str, file: str, section: str, problems: list[Problem]) -> dict[str, M]:
    out: dict[str, M] = {}
    for i, item in enumerate(items):
        code = getattr(item, key)
        if code in out:
            problems.append(Problem(file, f"{section}[{i}] ({code})", key, "duplicate code"))
        out[code] = item
    return out


def load(directory: Path | None = None) -> Knowledge:
    """Read and check every reference file; raise :class:`ReferenceDataError` on any problem."""
    from wsis.reference.checks import cross_check  # cycle: checks reads Knowledge

    directory = directory or reference_dir()
    problems: list[Problem] = []
    parsed: dict[str, Any] = {name: _read(directory / name, model, problems) for name, model in FILES.items()}
    if problems:
        raise ReferenceDataError(problems)

    official = _official_names(problems)
    lines_file: ActionLinesFile = parsed["action_lines.yaml"]
    sdg: SdgFile = parsed["sdg.yaml"]
    econ: EconomiesFile = parsed["economies.yaml"]
    groups_file: GroupsFile = parsed["groups.yaml"]
    knowledge = Knowledge(
        directory=directory,
        versions={name: parsed[name].version for name in FILES},
        action_lines=_index(lines_file.lines, "code", "action_lines.yaml", "lines", problems),
        goals=_index(sdg.goals, "code", "sdg.yaml", "goals", problems),
        targets=_index(sdg.targets, "code", "sdg.yaml", "targets", problems),
        sdg_indicators=_index(sdg.indicators, "code", "sdg.yaml", "indicators", problems),
        matrix=parsed["wsis_sdg_matrix.yaml"],
        regions=_index(econ.regions, "m49", "economies.yaml", "regions", problems),
        economies=_index(
            [_with_names(e, problems, official) for e in econ.economies],
            "iso3",
            "economies.yaml",
            "economies",
            problems,
        ),
        groups=_index(groups_file.groups, "code", "groups.yaml", "groups", problems),
        memberships=list(groups_file.memberships),
        indicators=_index(
            parsed["indicators.yaml"].indicators, "code", "indicators.yaml", "indicators", problems
        ),
        connectivity_targets=_index(
            parsed["targets.yaml"].targets, "code", "targets.yaml", "targets", problems
        ),
        crosswalk=parsed["action_line_crosswalk.yaml"],
    )
    problems.extend(cross_check(knowledge))
    if problems:
        raise ReferenceDataError(problems)
    return knowledge


def _official_names(problems: list[Problem]) -> un_names.UnNames | None:
    """The UN's official short names, when ``wsis manage un_names`` has stored their table."""
    try:
        return un_names.stored()
    except un_names.UnNamesError as exc:
        problems.append(
            Problem(str(un_names.STORED), "file", "", f"{exc} (run `wsis manage un_names` again)")
        )
        return None


def _with_names(
    economy: Economy, problems: list[Problem], official: un_names.UnNames | None = None
) -> Economy:
    """An economy's names: the file's own where it gives them (areas neither the UN table nor CLDR name
    well), else the UN's official short names in each language the UN table has, else CLDR's. This is the
    one place economy names are chosen: pages, the API, charts and reports all read them from here."""
    if economy.names is not None:
        return economy
    names = un_names.merged(official.of(economy.iso3) if official else {}, cldr.territory_names(economy.iso2))
    if names is None:
        problems.append(
            Problem("economies.yaml", f"economies ({economy.iso3})", "names", "CLDR has no name; give names")
        )
        return economy
    return economy.model_copy(update={"names": names})


def region_names(region: Region) -> Names | None:
    return region.name or cldr.territory_names(region.m49)


@functools.lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    """The platform's knowledge, loaded once per process."""
    return load()


def iter_problems(directory: Path | None = None) -> Iterator[Problem]:
    """Every problem in a directory of reference files, without raising (for ``wsis reference check``)."""
    try:
        load(directory)
    except ReferenceDataError as exc:
        yield from exc.problems
