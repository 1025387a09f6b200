"""A malformed reference file is an error naming the file, the entry and the field; nothing starts
on half-loaded knowledge."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from wsis.reference.loader import ReferenceDataError, load


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_shipped_reference_data_is_valid() -> None:
    k = load()
    assert len(k.action_lines) >= 18 and len(k.targets) == 169


def test_wrong_field_type_names_file_entry_and_field(data_copy: Path) -> None:
    def change(d):
        d["lines"][1]["prize_category"] = "two"

    _edit(data_copy / "action_lines.yaml", change)
    with pytest.raises(ReferenceDataError) as err:
        load(data_copy)
    problem = err.value.problems[0]
    assert problem.file == "action_lines.yaml"
    assert problem.entry.startswith("lines[1] (")
    assert problem.field == "prize_category"
    assert "action_lines.yaml: lines[1]" in str(err.value)


def test_unknown_field_is_an_error_not_ignored(data_copy: Path) -> None:
    _edit(data_copy / "economies.yaml", lambda d: d["economies"][0].update({"isoo3": "XXX"}))
    with pytest.raises(ReferenceDataError) as err:
        load(data_copy)
    assert any(p.field == "isoo3" and p.file == "economies.yaml" for p in err.value.problems)


def test_dangling_reference_between_files(data_copy: Path) -> None:
    def change(d):
        d["links"][0]["target"] = "9.z"

    _edit(data_copy / "wsis_sdg_matrix.yaml", change)
    with pytest.raises(ReferenceDataError) as err:
        load(data_copy)
    assert any(
        p.file == "wsis_sdg_matrix.yaml" and p.field == "target" and "9.z" in p.message
        for p in err.value.problems
    )


def test_overlapping_memberships_are_refused(data_copy: Path) -> None:
    def change(d):
        first = dict(d["memberships"][0])
        first["valid_from"] = "2000-01-01"
        first["valid_to"] = None
        d["memberships"].append(first)

    _edit(data_copy / "groups.yaml", change)
    with pytest.raises(ReferenceDataError) as err:
        load(data_copy)
    assert any("overlaps" in p.message for p in err.value.problems)


def test_broken_yaml_names_the_line(data_copy: Path) -> None:
    (data_copy / "targets.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError) as err:
        load(data_copy)
    assert err.value.problems[0].file == "targets.yaml"
    assert "line" in err.value.problems[0].entry


def test_missing_file(data_copy: Path) -> None:
    (data_copy / "sdg.yaml").unlink()
    with pytest.raises(ReferenceDataError, match="sdg.yaml"):
        load(data_copy)


def test_setup_refuses_to_start_and_writes_nothing(data_copy: Path, tmp_path: Path) -> None:
    _edit(data_copy / "action_lines.yaml", lambda d: d["lines"][0].pop("source"))
    env = {**os.environ, "WSIS_REFERENCE_DIR": str(data_copy), "WSIS_DATA_DIR": str(tmp_path / "data")}
    env.pop("WSIS_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "wsis", "setup", "--no-demo"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "action_lines.yaml" in result.stderr and "'source'" in result.stderr
    database = tmp_path / "data" / "wsis.sqlite3"
    if database.exists():  # created empty by the connection at most: no table, no row
        tables = sqlite3.connect(database).execute("select name from sqlite_master").fetchall()
        assert tables == []


def test_check_command_lists_problems(data_copy: Path) -> None:
    _edit(data_copy / "economies.yaml", lambda d: d["economies"][0].update({"m49": "12"}))
    result = subprocess.run(
        [sys.executable, "-m", "wsis", "reference", "check", "--dir", str(data_copy)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "economies.yaml" in result.stderr and "'m49'" in result.stderr
