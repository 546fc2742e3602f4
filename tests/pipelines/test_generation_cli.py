"""``codepref generate``: its help lists exactly the problem-set layouts the readers know."""

from __future__ import annotations

from curation.readers.problem_set import LAYOUTS
from pipelines.cli import COMMANDS
from pipelines.generation_cli import LAYOUTS_HELP
from pipelines.lazy_commands import LazyCommand


def test_the_layout_help_lists_every_layout_the_readers_know() -> None:
    assert ", ".join(LAYOUTS) == LAYOUTS_HELP
    command = LazyCommand("generate", COMMANDS["generate"]).load()
    (layout,) = [param for param in command.params if param.name == "layout"]
    assert LAYOUTS_HELP in layout.help
