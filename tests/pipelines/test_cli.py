"""The ``codepref`` root: a fast ``--help`` that imports no package, placeholders that
match the commands they stand for, and failures reported as one line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import COMMANDS, app
from pipelines.lazy_commands import LazyCommand

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "scipy", "polars", "pyarrow", "datatrove", "docker", "numpy")


def test_help_lists_every_command_without_importing_heavy_packages() -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from pipelines.cli import app\n"
        "result = CliRunner().invoke(app, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "import json\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
        "print(json.dumps(result.output))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True
    )
    loaded, output = (json.loads(line) for line in done.stdout.splitlines()[-2:])
    assert loaded == []
    for name in COMMANDS:
        assert f" {name} " in output


# Commands whose own module still loads numpy (curation.code) for its options.
HELP_LOADS_HEAVY = {"parse"}


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - HELP_LOADS_HEAVY))
def test_a_command_help_imports_no_heavy_package(name: str) -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from pipelines.cli import app\n"
        f"result = CliRunner().invoke(app, [{name!r}, '--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_placeholder_matches_its_command(name: str) -> None:
    real = LazyCommand(name, COMMANDS[name]).load()
    assert real.name == name
    assert real.get_short_help_str(limit=300) == COMMANDS[name].help


def test_unknown_command_is_one_line_with_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["excute"])
    assert result.exit_code == 2
    assert "No such command 'excute'" in result.output and "execute" in result.output


def test_internal_errors_name_their_type_and_debug(tmp_path: Path) -> None:
    from pipelines.errors import describe

    message, code = describe(RuntimeError("boom"))
    assert code == 1 and message.startswith("error: internal error RuntimeError: boom")
    assert "--debug" in message
    message, code = describe(FileNotFoundError(2, "No such file or directory", "x.parquet"))
    assert code == 2 and message == "error: No such file or directory: x.parquet, check the path"


def _commands() -> dict[str, set[str]]:
    """Every command path (``bench run``) and its long options."""
    found: dict[str, set[str]] = {}

    def walk(path: str, command) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(f"{path} {name}", sub)
        if not hasattr(command, "commands"):
            found[path] = {o for param in command.params for o in param.opts if o[:2] == "--"}

    for name in COMMANDS:
        walk(name, LazyCommand(name, COMMANDS[name]).load())
    return found


def _readme_option_rows() -> list[tuple[list[str], set[str]]]:
    text = (REPO / "README.md").read_text()
    table = text.split("The same thing has the same option everywhere", 1)[1]
    rows = []
    for line in table.split("\n\n", 2)[1].splitlines()[2:]:
        cells = re.split(r"(?<!\\)\|", line)[1:-1]
        options = [t.split()[0] for t in re.findall(r"`([^`]+)`", cells[0]) if t[:2] == "--"]
        rows.append((options, set(re.findall(r"`([^`]+)`", cells[2]))))
    return rows


def test_the_readme_option_table_names_exactly_the_commands_with_each_option() -> None:
    commands = _commands()
    rows = _readme_option_rows()
    assert len(rows) >= 15
    for options, listed in rows:
        assert listed <= set(commands), listed - set(commands)
        for option in options:
            having = {path for path, names in commands.items() if option in names}
            assert having == listed, (option, sorted(having ^ listed))


def test_no_option_means_the_sandbox_in_one_command_and_something_else_in_another() -> None:
    commands = _commands()
    assert not [path for path, names in commands.items() if "--backend" in names]
    with_sandbox = {path for path, names in commands.items() if "--sandbox" in names}
    assert with_sandbox == {"execute", "generate", "demo", "sandbox run", "sandbox check"}


def test_the_readme_command_table_uses_only_real_options() -> None:
    commands = _commands()
    groups = {path.split()[0] for path in commands if " " in path}
    table = (REPO / "README.md").read_text().split("## Commands", 1)[1].split("\n\n", 2)[1]
    checked = 0
    for line in table.splitlines()[2:]:
        path = ""
        for segment in re.findall(r"`([^`]+)`", re.split(r"(?<!\\)\|", line)[1]):
            words = segment.split()
            if words[0] == "codepref":  # `codepref bench run ...`, `codepref mine ...`
                path = " ".join(words[1:3] if words[1] in groups else words[1:2])
            elif not words[0].startswith("--"):  # `report` after `codepref bench run`
                path = f"{path.split()[0]} {words[0]}"
            for option in re.findall(r"--[a-z][a-z-]*", segment):
                assert option in commands[path], (path, option)
                checked += 1
    assert checked >= 30
