"""Problems as datatrove Documents, and back.

A problem travels through the execution pipeline as one :class:`Document` whose metadata
holds plain rows (``problem``, ``solutions`` and, once computed, ``executions`` and
``pairs``), so any datatrove writer or executor can serialise it between tasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.readers.records import Problem, Solution
from curation.readers.tables import problem_from_row, solution_from_row
from curation.steps.execution.records import ExecutionRecord


def problem_document(problem: Problem, solutions: Sequence[Solution]) -> Document:
    return Document(
        text=problem.prompt,
        id=problem.id,
        metadata={
            "problem": problem.to_row(),
            "solutions": [solution.to_row() for solution in solutions],
        },
    )


def problem_of(document: Document) -> Problem:
    return problem_from_row(document.metadata["problem"], f"document {document.id}")


def solutions_of(document: Document) -> list[Solution]:
    return [
        solution_from_row(row, f"document {document.id}, solution {index}")
        for index, row in enumerate(document.metadata.get("solutions", []))
    ]


def executions_of(document: Document) -> list[ExecutionRecord]:
    return [ExecutionRecord.from_row(row) for row in document.metadata.get("executions", [])]


class ProblemReader(PipelineStep):
    """Yields one document per problem with its solutions; task ``rank`` of
    ``world_size`` takes every ``world_size``-th problem.

    Solutions whose problem is unknown are counted (``orphan_solutions``) and dropped.
    """

    name = "📖 Problems"
    type = "📖 - READER"

    def __init__(self, problems: Sequence[Problem], solutions: Sequence[Solution]) -> None:
        super().__init__()
        self.problems = list(problems)
        self.solutions = list(solutions)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        by_problem: dict[str, list[Solution]] = defaultdict(list)
        known = {problem.id for problem in self.problems}
        for solution in self.solutions:
            if solution.problem_id not in known:
                self.stat_update("orphan_solutions")
                continue
            by_problem[solution.problem_id].append(solution)
        for index, problem in enumerate(self.problems):
            if index % world_size != rank:
                continue
            solutions = by_problem.get(problem.id, [])
            if not solutions:
                self.stat_update("problems_without_solutions")
            self.stat_update("problems")
            self.stat_update("solutions", value=len(solutions))
            yield problem_document(problem, solutions)
