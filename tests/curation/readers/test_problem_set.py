from __future__ import annotations

from pathlib import Path

import pytest

from curation.readers.problem_set import LAYOUTS, read_problem_set
from curation.readers.tables import TableReadError, problems_table, solutions_table
from sandbox import open_sandbox
from sandbox.api import Job
from sandbox.checker_programs import run_checked

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_layout_reads_its_fixture_into_valid_tables() -> None:
    counts = {}
    for layout in LAYOUTS:
        found = read_problem_set(FIXTURES / f"{layout}.jsonl", layout)
        problems_table(found.problems)
        solutions_table(found.solutions)
        counts[layout] = (len(found.problems), len(found.solutions))
    assert counts == {"stdio": (3, 4), "humaneval": (2, 1), "mbpp": (1, 1), "codecontests": (3, 5)}
    with pytest.raises(TableReadError, match="unknown layout 'apps'"):
        read_problem_set(FIXTURES / "stdio.jsonl", "apps")


@pytest.mark.slow
def test_reference_solutions_pass_and_incorrect_ones_fail_in_the_sandbox() -> None:
    """The readers' harnesses, tests and checkers are right: run every fixture solution."""
    jobs, expected = [], []
    for layout in LAYOUTS:
        found = read_problem_set(FIXTURES / f"{layout}.jsonl", layout)
        problems = {p.id: p for p in found.problems}
        for solution in found.solutions:
            problem = problems[solution.problem_id]
            jobs.append(Job(problem.program(solution.code), problem.test_cases, problem.limits))
            expected.append((solution.id, solution.kind is None))
    with open_sandbox("process", workers=2) as sandbox:
        results = run_checked(sandbox, jobs, workers=2, progress=False)
    assert [(sid, r.passed) for (sid, _), r in zip(expected, results, strict=True)] == expected
