"""A command group that imports a subcommand's module only when that subcommand runs (or help lists it).

The measurement and survey commands pull in scipy, polars and the survey engine: about two seconds of
imports that `wsis reference lines` or `wsis releases` never use. Registered by name here, they cost
nothing until asked for.
"""

from __future__ import annotations

import importlib

import click


class LazyGroup(click.Group):
    """``lazy``: subcommand name -> ``"module:attribute"`` of its click command."""

    def __init__(self, *args: object, lazy: dict[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = dict(lazy or {})

    def add_lazy(self, name: str, target: str) -> None:
        self.lazy[name] = target

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, _, attribute = self.lazy[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command) or command.name != cmd_name:
                raise RuntimeError(f"{self.lazy[cmd_name]} is not the click command {cmd_name!r}")
            self.add_command(command)
        return super().get_command(ctx, cmd_name)
