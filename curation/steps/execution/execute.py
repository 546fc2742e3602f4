"""Run every solution of every problem in the sandbox, repeated, and record executions.

Each solution runs once; the ones that pass run again until they have ``repeats`` runs,
because the pairing step needs several measurements per side to test an efficiency claim
for significance. Failing solutions need no repeats: their label is the verdict.

Mutants get time limits scaled from their problem's reference solutions (EvalPlus:
``max(floor, factor x reference time)``): a mutant that loops forever must fail fast,
and a fixed limit would flip verdicts when the machine is loaded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.readers.records import Problem, Solution
from curation.steps.execution.documents import problem_of, solutions_of
from curation.steps.execution.records import ExecutionRecord, record_from_runs
from sandbox.api import Comparison, Job, Limits, RunResult, Sandbox
from sandbox.checker_programs import run_checked


@dataclass(frozen=True)
class ExecutionConfig:
    """How solutions are run. ``limits`` applies where a problem has none of its own.

    ``count_instructions`` asks the sandbox for instruction counts (the most stable cost
    measure); the process backend counts them under valgrind, tens of times slower than a
    plain run, so it is off by default and CPU time is the runtime measure.
    """

    backend: str = "auto"
    workers: int = 2
    repeats: int = 5
    limits: Limits = field(default_factory=Limits)
    comparison: Comparison = Comparison.WHITESPACE
    count_instructions: bool = False
    mutant_time_factor: float = 4.0
    mutant_time_floor_s: float = 2.0
    batch_size: int = 32
    progress: bool = True

    def __post_init__(self) -> None:
        if self.repeats < 1:
            raise ValueError(f"repeats must be >= 1, got {self.repeats}")


def _limits_for(
    problem: Problem, solution: Solution, config: ExecutionConfig, reference_s: float | None
) -> Limits:
    base = problem.limits or config.limits
    if solution.origin == "mutant" and reference_s is not None:
        return base.scaled_from_reference(
            reference_s, factor=config.mutant_time_factor, floor_s=config.mutant_time_floor_s
        )
    return base


def execute_solutions(
    sandbox: Sandbox,
    work: Sequence[tuple[Problem, Sequence[Solution]]],
    config: ExecutionConfig,
) -> dict[str, ExecutionRecord]:
    """Execution records by solution id for every solution of every problem in ``work``.

    Three rounds of ``run_many`` keep both workers busy across problems: non-mutant
    solutions first (they set the mutants' time limits), then mutants, then the repeats
    of everything that passed, interleaved.
    """
    runs: dict[str, list[RunResult]] = defaultdict(list)
    owners: dict[str, Problem] = {}
    for problem, solutions in work:
        for solution in solutions:
            if solution.id in owners:
                raise ValueError(f"solution id {solution.id!r} appears twice")
            owners[solution.id] = problem

    def run_round(items: list[tuple[Problem, Solution, Limits]]) -> None:
        if not items:
            return
        jobs = [
            Job(problem.program(solution.code), problem.test_cases, limits)
            for problem, solution, limits in items
        ]
        results = run_checked(
            sandbox, jobs, config.workers, comparison=config.comparison, progress=config.progress
        )
        for (_, solution, _), result in zip(items, results, strict=True):
            runs[solution.id].append(result)

    originals = [(p, s) for p, solutions in work for s in solutions if s.origin != "mutant"]
    mutants = [(p, s) for p, solutions in work for s in solutions if s.origin == "mutant"]
    run_round([(p, s, _limits_for(p, s, config, None)) for p, s in originals])
    reference_s: dict[str, float] = {}
    for problem, solution in originals:
        result = runs[solution.id][0]
        if result.passed:
            reference_s[problem.id] = max(reference_s.get(problem.id, 0.0), result.wall_s)
    limits_used: dict[str, Limits] = {
        s.id: _limits_for(p, s, config, reference_s.get(p.id)) for p, s in originals + mutants
    }
    run_round([(p, s, limits_used[s.id]) for p, s in mutants])
    # Repeats go round by round (every passing solution once, then again), not solution
    # by solution: a solution's repeats then span the whole round, as its rivals' do, so
    # load that comes and goes shows as spread on both sides instead of as an effect
    # (back to back, a memory-heavy solution measured in a busy minute looked 2x slower
    # than in the next run).
    repeats = [
        (p, s, limits_used[s.id])
        for _ in range(config.repeats - 1)
        for p, s in originals + mutants
        if runs[s.id][0].passed
    ]
    run_round(repeats)
    return {
        solution_id: record_from_runs(
            solution_id, owners[solution_id].id, len(owners[solution_id].test_cases), results
        )
        for solution_id, results in runs.items()
    }


def _batches(data: DocumentsPipeline, size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for document in data or ():
        batch.append(document)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class ExecuteSolutions(PipelineStep):
    """Adds ``metadata["executions"]`` (rows of the executions table) to problem documents.

    The sandbox is opened when the step starts and closed when its input is exhausted, on
    the node of the task that runs it; documents are processed in batches so that
    ``run_many`` keeps every worker busy across problems.
    """

    name = "▶ Execute"
    type = "🧪 - EXECUTION"

    def __init__(
        self,
        config: ExecutionConfig | None = None,
        sandbox_factory: Callable[[ExecutionConfig], Sandbox] | None = None,
    ) -> None:
        super().__init__()
        self.config = config or ExecutionConfig()
        self.sandbox_factory = sandbox_factory

    def _open(self) -> Sandbox:
        if self.sandbox_factory is not None:
            return self.sandbox_factory(self.config)
        from sandbox import open_sandbox

        return open_sandbox(
            self.config.backend,
            workers=self.config.workers,
            count_instructions=self.config.count_instructions,
        )

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        sandbox = self._open()
        try:
            for batch in _batches(data, self.config.batch_size):
                work = [(problem_of(document), solutions_of(document)) for document in batch]
                with self.track_time(unit="batch"):
                    records = execute_solutions(sandbox, work, self.config)
                for document, (_, solutions) in zip(batch, work, strict=True):
                    rows = []
                    for solution in solutions:
                        record = records[solution.id]
                        self.stat_update(f"status_{record.status}")
                        self.stat_update("runs", value=record.repeats)
                        rows.append(record.to_row())
                    document.metadata["executions"] = rows
                    self.stat_update("problems")
                    yield document
        finally:
            sandbox.close()
