"""action_line_crosswalk.yaml: the DAC sector / SDG target -> action line suggestions of the IATI import
are reference knowledge, each row with its source, validated by the loader like every other file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wsis.reference.loader import ReferenceDataError, load


def _edit(folder: Path, change) -> None:
    path = folder / "action_line_crosswalk.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(folder: Path) -> list[str]:
    with pytest.raises(ReferenceDataError) as err:
        load(folder)
    return [str(p) for p in err.value.problems]


def test_the_shipped_crosswalk_is_loaded_with_a_source_for_each_row() -> None:
    k = load()
    walk = k.crosswalk
    sectors = {row.code: row for row in walk.sectors}
    assert sectors["22040"].lines == ["C2", "C6"]  # the example
    education = {row.code: row for row in walk.with_ict_tag}["111"]
    assert "C4" in education.lines  # 11110 education policy with an ICT tag
    rows = [*walk.sectors, *walk.targets, *walk.with_ict_tag]
    assert all(len(row.source) >= 10 for row in rows)
    assert k.versions["action_line_crosswalk.yaml"] == walk.version


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["sectors"][0]["lines"].append("C12"),
            "action_line_crosswalk.yaml: sectors[0] (22040), field 'lines': unknown action line C12",
        ),
        (
            lambda d: d["targets"][0].update(code="9.z"),
            "action_line_crosswalk.yaml: targets[0] (9.z), field 'code': unknown SDG target 9.z",
        ),
        (
            # 9.c is linked to C2 in the matrix, not to C10: the row's source would be false.
            lambda d: d["targets"][0]["lines"].append("C10"),
            "targets[0] (9.c), field 'lines': C10 is not linked to 9.c in wsis_sdg_matrix.yaml",
        ),
        (lambda d: d["sectors"][1].pop("source"), "sectors[1] (22010), field 'source': Field required"),
        (
            lambda d: d["sectors"][1].update(code="2201"),
            "sectors[1] (2201), field 'code': String should match",
        ),
        (
            lambda d: d["sectors"].append(dict(d["sectors"][0])),
            "sectors[6] (22040), field 'code': listed twice",
        ),
        (
            lambda d: d["with_ict_tag"].append(dict(d["sectors"][5])),
            "with_ict_tag[6] (220), field 'code': also under sectors",
        ),
        (lambda d: d.update(sectors=[]), "header, field 'sectors': List should have at least 1 item"),
    ],
)
def test_a_wrong_row_is_an_error_naming_file_entry_and_field(data_copy: Path, change, expected: str) -> None:
    _edit(data_copy, change)
    problems = _problems(data_copy)
    assert any(expected in p for p in problems), problems


def test_a_missing_crosswalk_stops_the_loader(data_copy: Path) -> None:
    (data_copy / "action_line_crosswalk.yaml").unlink()
    assert any(p.startswith("action_line_crosswalk.yaml: file: missing") for p in _problems(data_copy))
