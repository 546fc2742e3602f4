"""The ``execution`` pipeline: problems + candidate solutions (+ tree-sitter mutants) ->
sandbox runs -> execution-labelled pairs, as a config that ``codepref run`` reads.

Inputs come from exactly one of: ``problems`` + ``solutions`` tables, a HumanEval-X file,
or the bundled sample set (``samples = true``). The steps themselves live in
``curation.steps`` (execute, mutate, pair); this module only binds them to a config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from curation.executors import ExecutorConfig
from curation.languages import normalize_language
from curation.steps.execution.execute import ExecutionConfig
from curation.steps.execution.mutate import MutationConfig
from curation.steps.pairs.executions import PairingConfig


@dataclass
class ExecutionPipelineConfig:
    out: Path
    problems: Path | None = None
    solutions: Path | None = None
    humaneval_x: Path | None = None
    samples: bool = False
    languages: list[str] | None = None
    mutants: bool = False
    execution: ExecutionConfig = field(default_factory=ExecutionConfig)
    pairing: PairingConfig = field(default_factory=PairingConfig)
    mutation: MutationConfig = field(default_factory=MutationConfig)
    # Each task runs its own sandbox pool, so one worker per task is the local default.
    executor: ExecutorConfig = field(default_factory=lambda: ExecutorConfig(workers=1))

    def __post_init__(self) -> None:
        self.out = Path(self.out)
        for name in ("problems", "solutions", "humaneval_x"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, Path(value))
        if self.languages is not None:
            self.languages = [normalize_language(language) for language in self.languages]
        if self.executor.logging_dir is None:
            self.executor.logging_dir = str(self.out / "logs")


def run_execution(config: ExecutionPipelineConfig) -> dict:
    """Run or resume the pipeline; returns the summary (also in ``<out>/summary.json``)."""
    from pipelines.execution_cli import load_inputs, run_execution_pipeline

    problems, solutions = load_inputs(
        config.problems,
        config.solutions,
        config.humaneval_x,
        config.samples,
        tuple(config.languages) if config.languages else None,
    )
    return run_execution_pipeline(
        problems,
        solutions,
        config.out,
        config.execution,
        config.pairing,
        config.mutation if config.mutants else None,
        executor=config.executor,
    )
