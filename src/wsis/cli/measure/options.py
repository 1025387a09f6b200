"""Options shared by the measurement commands, as decorators, and typed parsers of their choices."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar, get_args

import click

from wsis.engine.measure.aggregates import Kind
from wsis.engine.measure.progress import MethodName

F = TypeVar("F", bound=Callable[..., object])
T = TypeVar("T", bound=str)

FORMATS = click.Choice(["json", "csv", "table"])
#: The engine's literal types by their spelling on the command line (click checks the choice; these give
#: the checked string its literal type without a cast).
KINDS: Mapping[str, Kind] = {k: k for k in get_args(Kind)}
PROGRESS_METHODS: Mapping[str, MethodName] = {m: m for m in get_args(MethodName)}

output_format = click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
from_release = click.option(
    "--from-release",
    default=None,
    help="Warehouse mode: the figures this release published (id or 'publisher: name'), not the latest.",
)
methodology = click.option("--methodology", "methodology_name", default="idi-2024", show_default=True)
min_coverage = click.option("--min-coverage", type=float, default=0.5, show_default=True)


def releases(help: str | None = None) -> Callable[[F], F]:
    """``--release`` (repeatable): names of the input releases, for the provenance of file-based runs."""
    return click.option("--release", "releases", multiple=True, help=help)


def values(help: str | None = None, *, required: bool = False) -> Callable[[F], F]:
    """``--values FILE``: the input file; without it (unless required) the warehouse."""
    if required:
        return click.option("--values", "values_path", required=True, help=help)
    return click.option("--values", "values_path", default=None, help=help)


def parse_choice(value: str, choices: Mapping[str, T], option: str) -> T:
    """A checked command-line choice as the engine's literal type."""
    try:
        return choices[value]
    except KeyError:
        raise click.BadParameter(f"{value!r} is not one of {', '.join(choices)}", param_hint=option) from None
