"""`wsis --help` lists the commands, and every subcommand explains itself."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from lxml import etree

from wsis.cli import main


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    # list_commands/get_command, not .commands: the measurement and survey commands load when asked for.
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


def test_top_level_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    names = main.list_commands(click.Context(main))
    assert {"index", "survey", "affordability", "releases"} <= set(names)
    for name in names:
        assert name in result.output


@pytest.mark.parametrize("path", _commands(main), ids=" ".join)
def test_every_subcommand_explains_itself(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command: click.Command | None = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    assert command is not None
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


# --- the README's set-up and tour (issue 13) ---------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
UNREACHABLE = "http://127.0.0.1:9/v2"  # the discard port: nothing listens, the connection is refused at once


def _bash(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        ["bash", str(ROOT / script), *args],  # noqa: S607 - bash from PATH, as the README runs it
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_run_sh_hands_its_arguments_to_wsis_serve_not_to_pip(tmp_path: Path) -> None:
    """`bash scripts/run.sh --port 8080` once failed: bootstrap.sh took --port for a pip extra. A Python that
    is not 3.11 stops the bootstrap right after its argument check, before anything is installed."""
    done = _bash(
        "scripts/run.sh", "--port", "8080", env={"WSIS_PYTHON": "/bin/false", "WSIS_VENV": str(tmp_path)}
    )
    assert done.returncode != 0
    assert "needs Python 3.11" in done.stderr
    assert "pip extras" not in done.stderr
    assert not any(tmp_path.iterdir()), "nothing may be installed"


def test_light_commands_do_not_load_the_measurement_engine() -> None:
    """`wsis reference ...` and the warehouse commands start without importing scipy and the survey
    engine (about two seconds a command): the measurement and survey commands load when asked for."""
    heavy = "('scipy', 'wsis.engine.survey')"
    code = f"import sys, wsis.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_bootstrap_refuses_an_option_for_a_pip_extra(tmp_path: Path) -> None:
    done = _bash("scripts/bootstrap.sh", "--port", env={"WSIS_VENV": str(tmp_path)})
    assert done.returncode == 2
    assert "'--port' is not a list of pip extras" in done.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.django_db
def test_setup_real_data_offline_fails_clearly_and_imports_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from wsis.apps.warehouse.models import Release

    for variable in ("WSIS_FETCH_ITU", "WSIS_FETCH_WORLDBANK", "WSIS_FETCH_SDG"):
        monkeypatch.setenv(variable, UNREACHABLE)
    before = Release.objects.count()
    out = CliRunner().invoke(main, ["setup", "--no-demo", "--real-data"])
    assert out.exit_code == 1
    assert "could not download the default set of real data; nothing was imported" in out.output
    assert "itu i99H: http://127.0.0.1:9/v2/data/bycode/11624: cannot reach the server" in out.output
    assert "worldbank IT.NET.USER.ZS" in out.output
    assert "wsis setup --real-data --from DIR" in out.output
    assert Release.objects.count() == before


@pytest.mark.django_db
def test_setup_real_data_from_a_folder_without_the_files_names_them(tmp_path: Path) -> None:
    from wsis.apps.warehouse.models import Release

    (tmp_path / "itu-datahub").mkdir()
    before = Release.objects.count()
    out = CliRunner().invoke(main, ["setup", "--no-demo", "--real-data", "--from", str(tmp_path)])
    assert out.exit_code == 1
    assert f"{tmp_path}: no local copy of:" in out.output
    assert "itu i99H (looked for itu-i99H.json, itu-datahub/individuals_using_internet.csv)" in out.output
    assert "worldbank SP.POP.TOTL" in out.output and "nothing was imported" in out.output
    assert Release.objects.count() == before


def test_setup_from_needs_real_data(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["setup", "--from", str(tmp_path)])
    assert out.exit_code == 2 and "--from DIR goes with --real-data" in out.output


@pytest.mark.django_db
def test_index_without_its_inputs_fails_naming_them() -> None:
    """An empty table with exit 0 said nothing: the command must fail and say which inputs are missing."""
    out = CliRunner().invoke(main, ["index", "compute", "--methodology", "idi-2024"])
    assert out.exit_code != 0
    assert "idi-2024 needs i99H, xHH6_IDI, i911mw_IDI" in out.output


@pytest.mark.django_db
def test_sdmx_export_is_stamped_with_its_preparation_time(tmp_path: Path) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    out = CliRunner().invoke(main, ["export", "--format", "sdmx-ml", "-o", str(tmp_path / "out.xml")])
    assert out.exit_code == 0, out.output
    prepared = etree.parse(str(tmp_path / "out.xml")).getroot().findtext(".//{*}Header/{*}Prepared")
    assert prepared is not None and prepared.endswith("Z")
    stamped = dt.datetime.fromisoformat(prepared.replace("Z", "+00:00"))
    assert before <= stamped <= dt.datetime.now(dt.UTC)
