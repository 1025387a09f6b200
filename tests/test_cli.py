"""`wsis --help` lists the commands, and every subcommand explains itself."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from wsis.cli import main


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


def test_top_level_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in main.commands:
        assert name in result.output


@pytest.mark.parametrize("path", _commands(main), ids=" ".join)
def test_every_subcommand_explains_itself(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command = main
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help.strip()) > 15, f"wsis {' '.join(path)} has no real help"
    first_paragraph = command.help.strip().split("\n\n")[0]
    assert " ".join(first_paragraph.split()) in " ".join(result.output.split())


def test_reference_commands_answer() -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["reference", "check"])
    assert out.exit_code == 0 and "reference data valid" in out.output
    out = runner.invoke(main, ["reference", "economy", "KEN"])
    assert out.exit_code == 0 and "Kenya" in out.output and "404" in out.output
    out = runner.invoke(main, ["reference", "group", "LDC", "--on", "2023-06-30"])
    assert out.exit_code == 0 and "BTN" in out.output
    out = runner.invoke(main, ["reference", "group", "LDC", "--on", "2024-06-30"])
    assert out.exit_code == 0 and "BTN" not in out.output
    out = runner.invoke(main, ["reference", "economy", "XXX"])
    assert out.exit_code != 0 and "no economy" in out.output
