"""The bundled sample set: 5 problems in each of the 8 languages, 4 solutions each.

Every problem has a correct and fast solution, a correct but asymptotically slow one
(O(n^2) against O(n), on an input large enough that the slow one costs several times
more CPU), a correct but memory-hungry one (a memo table sized to the input bound, tens
of MB, allocated and filled up front) and a wrong one (an off-by-one or a missed update).
They are real programs, checked by the tests through the sandbox; they feed the demo,
the tests and the benchmark. ``prefix_max_sum`` is harness style in Python, JavaScript
and Ruby (a function plus asserts); everything else reads stdin and writes stdout.
"""

from __future__ import annotations

import json
from importlib import resources

from curation.languages import get_language
from curation.readers.records import Problem, Solution
from curation.readers.tables import problem_from_row

VARIANTS: tuple[str, ...] = ("fast", "slow", "memory", "wrong")
"""Solution variants of every sample problem, as named in each solution's ``meta``."""

SOURCE = "codepref-samples"


def load_samples(languages: tuple[str, ...] | None = None) -> tuple[list[Problem], list[Solution]]:
    """Problems and solutions of the bundled set, optionally only some languages."""
    root = resources.files(__package__)
    specs = json.loads(root.joinpath("problems.json").read_text(encoding="utf-8"))
    problems: list[Problem] = []
    solutions: list[Solution] = []
    for index, spec in enumerate(specs):
        if languages is not None and spec["language"] not in languages:
            continue
        problem = problem_from_row(
            {**spec, "source": SOURCE, "group": f"sample/{spec['problem']}"},
            f"problems.json, row {index}",
        )
        problems.append(problem)
        extension = get_language(problem.language).extensions[0]
        folder = root.joinpath("solutions", problem.language, spec["problem"])
        for variant in VARIANTS:
            code = folder.joinpath(f"{variant}{extension}").read_text(encoding="utf-8")
            solutions.append(
                Solution(
                    id=f"{problem.id}/{variant}",
                    problem_id=problem.id,
                    language=problem.language,
                    code=code,
                    origin="human",
                    meta=json.dumps({"variant": variant}),
                )
            )
    return problems, solutions
