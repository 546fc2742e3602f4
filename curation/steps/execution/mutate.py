"""Add mutants of a problem's trusted solutions to its document.

Only solutions whose origin is trusted (``reference`` and ``human`` by default) are
mutated. Each gets at most ``max_mutants`` mutants, interleaved across operators, so one
prolific operator (literals are everywhere) cannot crowd out the others. How many
candidates each operator had is kept in ``metadata["mutant_candidates"]`` for the table
of generated / compiled / killed / equivalent mutants.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.mutation import OPERATORS, generate_mutants
from curation.readers.records import Problem, Solution
from curation.steps.execution.documents import problem_of, solutions_of


@dataclass(frozen=True)
class MutationConfig:
    operators: tuple[str, ...] = OPERATORS
    max_mutants: int = 6
    origins: tuple[str, ...] = ("reference", "human")


def mutants_of(
    problem: Problem, solution: Solution, config: MutationConfig
) -> tuple[list[Solution], Counter[str]]:
    """Mutant solutions of ``solution`` and the number of candidates per operator.

    Only the code after the problem's prompt is mutated when the solution starts with
    the prompt (HumanEval-X style): the prompt is the task, not the answer.
    """
    start = len(problem.prompt.encode("utf-8")) if solution.code.startswith(problem.prompt) else 0
    candidates = generate_mutants(solution.code, solution.language, config.operators, None, start)
    counts = Counter(mutant.operator for mutant in candidates)
    mutants = []
    for mutant in candidates[: config.max_mutants]:
        meta = {
            "operator": mutant.operator,
            "parent": solution.id,
            "line": mutant.line,
            "original": mutant.original,
            "replacement": mutant.replacement,
        }
        mutant_id = f"{solution.id}/mutant-{mutant.operator}-{mutant.digest}"
        mutants.append(
            Solution.made(mutant_id, problem.id, solution.language, mutant.code, "mutant", meta)
        )
    return mutants, counts


class MutateSolutions(PipelineStep):
    """Appends mutant solutions (origin ``mutant``) to each problem document."""

    name = "🧬 Mutate"
    type = "🧪 - EXECUTION"

    def __init__(self, config: MutationConfig | None = None) -> None:
        super().__init__()
        self.config = config or MutationConfig()

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for document in data or ():
            with self.track_time():
                problem = problem_of(document)
                solutions: Sequence[Solution] = solutions_of(document)
                candidates: Counter[str] = Counter()
                added: list[Solution] = []
                for solution in solutions:
                    # A solution known to be wrong (meta kind) is no parent: its mutant
                    # could be right, and would then count as a wrong solution that passed.
                    if solution.origin not in self.config.origins or solution.kind is not None:
                        continue
                    mutants, counts = mutants_of(problem, solution, self.config)
                    candidates.update(counts)
                    added.extend(mutants)
                for mutant in added:
                    self.stat_update(f"mutants_{json.loads(mutant.meta or '{}')['operator']}")
                document.metadata["solutions"].extend(mutant.to_row() for mutant in added)
                document.metadata["mutant_candidates"] = dict(candidates)
            yield document
