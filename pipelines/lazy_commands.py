"""Commands that import their package only when they run, so ``codepref --help`` is fast.

Importing every package's CLI to list the commands costs seconds (scipy, polars, torch,
datatrove and the docker SDK load at import). The root group instead holds a
:class:`LazyCommand` per command, which knows its name and one-line help; the first time
a command is resolved for running (or for its own ``--help``), the owning module is
imported and its real typer command takes the placeholder's place. ``tests/pipelines/
test_cli.py`` checks that each placeholder's help matches the command it stands for.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer import _click
from typer.core import TyperCommand

from pipelines.errors import ErrorReportingGroup


@dataclass(frozen=True)
class CommandEntry:
    """Where a command lives: ``module`` (which has ``register(app)``) or
    ``module:function`` (a plain command function), and its one-line help."""

    target: str
    help: str


class LazyCommand(TyperCommand):
    """A placeholder: listed in the root help, replaced by the real command when used."""

    def __init__(self, name: str, entry: CommandEntry) -> None:
        super().__init__(name, help=entry.help, short_help=entry.help)
        self.entry = entry

    def load(self) -> _click.Command:
        module_name, _, function = self.entry.target.partition(":")
        module = importlib.import_module(module_name)
        app = typer.Typer()
        app.callback()(lambda: None)  # a group even when the module adds one command
        if function:
            app.command(self.name)(getattr(module, function))
        else:
            module.register(app)
        group = typer.main.get_command(app)
        command = group.commands.get(self.name)  # type: ignore[attr-defined]
        if command is None:
            raise RuntimeError(f"{self.entry.target} does not register a command {self.name!r}")
        return command


class LazyGroup(ErrorReportingGroup):
    """The root group: ``entries`` become placeholders, loaded when resolved."""

    entries: ClassVar[Mapping[str, CommandEntry]] = {}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for name, entry in self.entries.items():
            self.commands.setdefault(name, LazyCommand(name, entry))

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, LazyCommand) and name is not None:
            command = self.commands[name] = command.load()
        return name, command, rest
