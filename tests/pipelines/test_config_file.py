"""``--config FILE`` on every pipeline command (pipelines/config_file.py): a value in the
file is used, a flag given on the command line overrides it, an unknown key, a wrong type
or a credential is a one-line error naming the file and the key.

The table tests resolve each real command's parameters with click (the same parse a run
does, stopped before the command body); ``assemble`` and ``mine`` also run for real.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from typer import _click
from typer.testing import CliRunner

from pipelines.cli import COMMANDS, app
from pipelines.lazy_commands import LazyCommand
from tests.fixtures.assembly_producers import make_producers
from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository


@dataclass(frozen=True)
class Case:
    """One command: a file that sets ``key`` (with what the command needs besides), and
    a flag that sets it to another value."""

    path: tuple[str, ...]
    file: dict[str, Any]
    key: str
    from_file: Any
    flag: list[str]
    from_flag: Any
    wrong_type: dict[str, Any] = field(default_factory=dict)


CASES = [
    Case(
        ("mine",),
        {"out": "o", "fetch_workers": 3},
        "fetch_workers",
        3,
        ["--fetch-workers", "5"],
        5,
        {"fetch_workers": "many"},
    ),
    Case(
        ("execute",),
        {"samples": True, "max-pairs": 2},
        "max_pairs",
        2,
        ["--max-pairs", "7"],
        7,
        {"max_pairs": "x"},
    ),
    Case(
        ("judge",),
        {"pairs": "p.parquet", "out": "o", "generations": 3},
        "generations",
        3,
        ["--generations", "5"],
        5,
        {"generations": [1, 2]},
    ),
    Case(
        ("assemble",),
        {"pairs": "a.parquet", "out": "o", "seed": 2},
        "seed",
        2,
        ["--seed", "5"],
        5,
        {"seed": "two"},
    ),
    Case(("generate",), {"problems": "p.jsonl", "n": 3}, "n", 3, ["--n", "5"], 5, {"n": "x"}),
    Case(
        ("train",), {"lr": 0.25, "epochs": 2}, "lr", 0.25, ["--lr", "0.5"], 0.5, {"epochs": "two"}
    ),
    Case(
        ("bench", "run"),
        {"data": "d.parquet", "out": "o", "sample": 10},
        "sample",
        10,
        ["--sample", "20"],
        20,
        {"sample": "x"},
    ),
    Case(
        ("demo",),
        {"train_steps": 3, "sandbox": "process"},
        "train_steps",
        3,
        ["--train-steps", "9"],
        9,
        {"train_steps": "x"},
    ),
]
IDS = [" ".join(case.path) for case in CASES]


def write_config(folder: Path, data: dict[str, Any], suffix: str = ".yaml") -> Path:
    path = folder / f"config{suffix}"
    if suffix == ".toml":
        path.write_text("".join(f"{key} = {json.dumps(value)}\n" for key, value in data.items()))
        assert tomllib.loads(path.read_text()) == data
    else:
        path.write_text(yaml.safe_dump(data))
    return path


def command(path: tuple[str, ...]) -> _click.Command:
    found = LazyCommand(path[0], COMMANDS[path[0]]).load()
    for name in path[1:]:
        found = found.commands[name]  # type: ignore[attr-defined]
    return found


def resolve(path: tuple[str, ...], args: list[str]) -> dict[str, Any]:
    """The parameters the command body would receive for ``args``."""
    with command(path).make_context(" ".join(path), args) as ctx:
        return dict(ctx.params)


def test_every_pipeline_command_has_the_option() -> None:
    assert sorted(IDS) == sorted(
        ["mine", "execute", "judge", "assemble", "generate", "train", "bench run", "demo"]
    )
    for case in CASES:
        options = {opt for param in command(case.path).params for opt in param.opts}
        assert "--config" in options, case.path


@pytest.mark.parametrize("suffix", [".yaml", ".toml"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_file_value_is_used(case: Case, suffix: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, case.file, suffix)
    params = resolve(case.path, ["--config", str(config)])
    assert params[case.key] == case.from_file


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_flag_given_on_the_command_line_overrides_the_file(case: Case, tmp_path: Path) -> None:
    config = write_config(tmp_path, case.file)
    params = resolve(case.path, [*case.flag, "--config", str(config)])  # order does not matter
    assert params[case.key] == case.from_flag
    others = {key.replace("-", "_") for key in case.file} - {case.key}
    for key in others & set(params):  # the rest of the file still applies
        assert params[key] is not None and params[key] not in (False, ())


def invoke(path: tuple[str, ...], config: Path) -> Any:
    return CliRunner().invoke(app, [*path, "--config", str(config)])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_an_unknown_key_is_one_line_naming_it_and_the_file(case: Case, tmp_path: Path) -> None:
    config = write_config(tmp_path, {**case.file, "max_pears": 4})
    result = invoke(case.path, config)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {config}: unknown key 'max_pears'")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_wrong_type_is_one_line_naming_the_key_and_the_file(case: Case, tmp_path: Path) -> None:
    config = write_config(tmp_path, {**case.file, **case.wrong_type})
    result = invoke(case.path, config)
    assert result.exit_code == 2, result.output
    (key,) = case.wrong_type
    assert result.output.startswith(f"error: {config}: {key}: "), result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("path", [("judge",), ("bench", "run")], ids=["judge", "bench run"])
def test_a_credential_is_never_read_from_a_file(path: tuple[str, ...], tmp_path: Path) -> None:
    key = "sk-config-file-" + "0123456789abcdef"
    config = write_config(tmp_path, {"api_key": key})
    result = invoke(path, config)
    assert result.exit_code == 2
    assert f"error: {config}: api_key is a credential" in result.output
    assert "CODEPREF_JUDGE_API_KEY" in result.output and key not in result.output


def test_a_positional_argument_on_the_command_line_overrides_the_files(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"pairs": ["a.parquet", "b.parquet"], "out": "o"})
    assert resolve(("assemble",), ["--config", str(config)])["pairs"] == [
        Path("a.parquet"),
        Path("b.parquet"),
    ]
    assert resolve(("assemble",), ["c.parquet", "--config", str(config)])["pairs"] == [
        Path("c.parquet")
    ]


def test_a_missing_or_unreadable_file_is_one_line(tmp_path: Path) -> None:
    result = invoke(("assemble",), tmp_path / "absent.yaml")
    assert result.exit_code == 2 and "absent.yaml: no such config file" in result.output
    broken = tmp_path / "broken.toml"
    broken.write_text("seed = \n")
    result = invoke(("assemble",), broken)
    assert result.exit_code == 2 and result.output.startswith(f"error: {broken}: ")


def test_assemble_runs_with_the_file_and_the_flag_wins(tmp_path: Path) -> None:
    producers = make_producers(tmp_path)
    out = tmp_path / "dataset"
    data = {"pairs": [str(p) for p in producers], "out": str(out), "seed": 2, "max_per_cell": 30}
    config = write_config(tmp_path, data, ".toml")
    result = CliRunner().invoke(app, ["assemble", "--config", str(config), "--seed", "5"])
    assert result.exit_code == 0, result.output
    stats = json.loads((out / "stats.json").read_text())
    assert stats["config"]["max_per_cell"] == 30  # from the file
    assert stats["config"]["seed"] == 5  # the flag over the file's 2


OLD = "fn = function (a) {\n  return a;\n};\n"
NEW = "fn = function (a) {\n  return a === undefined ? null : a;\n};\n"


def test_mine_runs_with_the_file_and_the_flag_wins(tmp_path: Path) -> None:
    repo = tmp_path / "web"
    build_repository(
        repo,
        [
            SyntheticCommit("Initial import", {"app.js": OLD, "lib.go": "package lib\n"}),
            SyntheticCommit("Fix crash when the argument is missing", {"app.js": NEW}),
        ],
    )
    data = {"repos": [str(repo)], "license": "MIT", "languages": "go,py"}
    config = write_config(tmp_path, data)
    runner = CliRunner()
    result = runner.invoke(app, ["mine", "--config", str(config), "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    stats = json.loads((tmp_path / "a" / "stats.json").read_text())
    assert stats["drops_by_reason"]["language_not_selected"] == 1 and stats["rows_out"] == 0
    argv = ["mine", "--config", str(config), "--out", str(tmp_path / "b"), "--languages", "js"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    stats = json.loads((tmp_path / "b" / "stats.json").read_text())
    assert stats["rows_out"] == 1 and "language_not_selected" not in stats["drops_by_reason"]


def test_train_takes_the_files_trainconfig_fields_and_the_flags_over_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The training itself is replaced by a function that keeps the TrainConfig it is given:
    # this test is about the config, tests/rm/test_reward_trainer.py trains for real.
    import rm.reward_trainer

    seen = []

    def keep(config: Any) -> SimpleNamespace:
        seen.append(config)
        return SimpleNamespace(
            out=config.out, steps=0, pairs_per_second=0.0, tokens_per_second=0.0, eval_report={}
        )

    monkeypatch.setattr(rm.reward_trainer, "train", keep)
    pairs = tmp_path / "p.parquet"
    pairs.write_bytes(b"")
    data = {
        "pairs": [str(pairs)],
        "model": "tiny",
        "lr": 0.25,
        "epochs": 2,
        "max_steps": 7,
        "loss": {"lm_weight": 0.5},
        "system_shares": [0.3, 0.7, 0.0],
    }
    config = write_config(tmp_path, data)
    argv = ["train", "--config", str(config), "--lr", "0.5", "--out", str(tmp_path / "rm")]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    (train_config,) = seen
    assert (train_config.lr, train_config.out) == (0.5, str(tmp_path / "rm"))  # flags
    assert (train_config.epochs, train_config.max_steps) == (2, 7)  # the file
    assert train_config.loss.lm_weight == 0.5 and train_config.system_shares == (0.3, 0.7, 0.0)
    bad = write_config(tmp_path, {**data, "loss": {"lm_wieght": 0.5}})
    result = CliRunner().invoke(app, ["train", "--config", str(bad)])
    assert result.exit_code == 2 and "loss: unknown key(s) lm_wieght" in result.output
