"""``codepref run CONFIG``: any pipeline from a YAML or TOML file, on any executor.

The file names the pipeline (``pipeline = "commits"``) and sets the fields of its config
dataclass; ``--executor``, ``--tasks`` and ``--workers`` override the file's executor
section so that one config moves from a laptop to Slurm or Ray unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from curation.run_fingerprint import RunFingerprint, claim_output
from pipelines.config import ConfigError, from_dict, read_config_file
from pipelines.options import OverwriteOption

if TYPE_CHECKING:
    from curation.executors import ExecutorConfig

# datatrove and the pipelines load when a config is read: `codepref run --help` needs
# neither.


@dataclass(frozen=True)
class PipelineSpec:
    """How to build and run one named pipeline; every config has an ``executor``.
    ``output`` is the config's output folder, ``unfingerprinted`` its fields (dotted) that
    change no row: the rest is recorded in that folder (:mod:`curation.run_fingerprint`)."""

    config_class: type
    run: Callable[[Any], dict]
    output: Callable[[Any], Path] = lambda config: config.out
    unfingerprinted: tuple[str, ...] = ("out", "executor")


def _specs() -> dict[str, PipelineSpec]:
    from pipelines.benchmark import BenchmarkConfig, run_benchmark
    from pipelines.commits import CommitsPipelineConfig, run_commits
    from pipelines.execution import ExecutionPipelineConfig, run_execution
    from pipelines.generation import UNFINGERPRINTED, GenerationPipelineConfig, run_generation

    return {
        "commits": PipelineSpec(
            CommitsPipelineConfig,
            run_commits,
            output=lambda config: config.mining.output,
            unfingerprinted=("mining.output", "mining.executor", "mining.fetch"),
        ),
        "execution": PipelineSpec(
            ExecutionPipelineConfig,
            run_execution,
            unfingerprinted=("out", "executor", "execution.workers"),
        ),
        "benchmark": PipelineSpec(BenchmarkConfig, run_benchmark),
        "generation": PipelineSpec(
            GenerationPipelineConfig, run_generation, unfingerprinted=UNFINGERPRINTED
        ),
    }


def load_pipeline(
    path: Path,
    executor: str | None = None,
    tasks: int | None = None,
    workers: int | None = None,
) -> tuple[str, PipelineSpec, Any]:
    """Read ``path``, build the named pipeline's config and apply the CLI overrides."""
    from curation.executors import ExecutorKind

    data = read_config_file(path)
    name = data.pop("pipeline", None)
    specs = _specs()
    if name not in specs:
        raise ConfigError(f"{path}: 'pipeline' must be one of {', '.join(specs)} (got {name!r})")
    spec = specs[name]
    config = from_dict(spec.config_class, data, where=str(path))
    settings: ExecutorConfig = config.executor
    if executor is not None:
        if executor not in set(ExecutorKind):
            raise ConfigError(
                f"--executor must be one of {', '.join(ExecutorKind)}, got {executor!r}"
            )
        settings.kind = ExecutorKind(executor)
    if tasks is not None:
        settings.tasks = tasks
    if workers is not None:
        settings.workers = workers
    settings.__post_init__()
    return name, spec, config


def run(
    config_path: Annotated[Path, typer.Argument(help="Pipeline config (.toml, .yaml).")],
    executor: Annotated[
        str | None, typer.Option("--executor", help="Override: local, slurm or ray.")
    ] = None,
    tasks: Annotated[int | None, typer.Option("--tasks", min=1)] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1)] = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Run (or resume) a pipeline described by a config file.

    Rerun the same config to resume; its output folder records what defines the run
    (run_fingerprint.json) and refuses a different one unless --overwrite."""
    console = Console()
    try:
        name, spec, config = load_pipeline(config_path, executor, tasks, workers)
    except ConfigError as error:
        raise typer.BadParameter(str(error), param_hint="CONFIG") from error
    fingerprint = RunFingerprint.of_config(f"run {name}", config, ignore=spec.unfingerprinted)
    claim_output(spec.output(config), fingerprint, overwrite)
    settings = config.executor
    console.print(
        f"[bold]{name}[/bold] pipeline on the [bold]{settings.kind}[/bold] executor "
        f"({settings.tasks} tasks, logs in {settings.logging_dir})"
    )
    stats = spec.run(config)
    console.print_json(json.dumps(stats, default=str))
