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
from typing import Annotated, Any

import typer
from rich.console import Console

from curation.executors import ExecutorConfig, ExecutorKind
from pipelines.config import ConfigError, from_dict, read_config_file


@dataclass(frozen=True)
class PipelineSpec:
    """How to build and run one named pipeline; every config has an ``executor``."""

    config_class: type
    run: Callable[[Any], dict]


def _specs() -> dict[str, PipelineSpec]:
    from pipelines.benchmark import BenchmarkConfig, run_benchmark
    from pipelines.commits import CommitsPipelineConfig, run_commits
    from pipelines.execution import ExecutionPipelineConfig, run_execution
    from pipelines.generation import GenerationPipelineConfig, run_generation

    return {
        "commits": PipelineSpec(CommitsPipelineConfig, run_commits),
        "execution": PipelineSpec(ExecutionPipelineConfig, run_execution),
        "benchmark": PipelineSpec(BenchmarkConfig, run_benchmark),
        "generation": PipelineSpec(GenerationPipelineConfig, run_generation),
    }


def load_pipeline(
    path: Path,
    executor: ExecutorKind | None = None,
    tasks: int | None = None,
    workers: int | None = None,
) -> tuple[str, PipelineSpec, Any]:
    """Read ``path``, build the named pipeline's config and apply the CLI overrides."""
    data = read_config_file(path)
    name = data.pop("pipeline", None)
    specs = _specs()
    if name not in specs:
        raise ConfigError(f"{path}: 'pipeline' must be one of {', '.join(specs)} (got {name!r})")
    spec = specs[name]
    config = from_dict(spec.config_class, data, where=str(path))
    settings: ExecutorConfig = config.executor
    if executor is not None:
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
        ExecutorKind | None, typer.Option("--executor", help="Override: local, slurm or ray.")
    ] = None,
    tasks: Annotated[int | None, typer.Option("--tasks", min=1)] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1)] = None,
) -> None:
    """Run (or resume) a pipeline described by a config file."""
    console = Console()
    try:
        name, spec, config = load_pipeline(config_path, executor, tasks, workers)
    except ConfigError as error:
        raise typer.BadParameter(str(error), param_hint="CONFIG") from error
    settings = config.executor
    console.print(
        f"[bold]{name}[/bold] pipeline on the [bold]{settings.kind}[/bold] executor "
        f"({settings.tasks} tasks, logs in {settings.logging_dir})"
    )
    stats = spec.run(config)
    console.print_json(json.dumps(stats, default=str))
