from __future__ import annotations

import json

from curation.readers.records import Problem, Solution
from curation.steps.execution.documents import problem_document, solutions_of
from curation.steps.execution.mutate import MutateSolutions, MutationConfig
from sandbox.api import TestCase

PROBLEM = Problem("p", "t", "Python", "Add.", tests=(TestCase("1 2\n", "3\n"),))
CODE = "a, b = map(int, input().split())\nprint(a + b)\n"


def test_only_trusted_solutions_are_mutated() -> None:
    wrong = json.dumps({"kind": "incorrect_submission"})
    document = problem_document(
        PROBLEM,
        [
            Solution("p/ref", "p", "Python", CODE, "reference"),
            Solution("p/bad", "p", "Python", CODE.replace("+", "-"), "human", wrong),
            Solution("p/llm", "p", "Python", CODE, "llm"),
        ],
    )
    [out] = list(MutateSolutions(MutationConfig(max_mutants=3)).run([document]))
    parents = {json.loads(s.meta)["parent"] for s in solutions_of(out) if s.origin == "mutant"}
    assert parents == {"p/ref"}
