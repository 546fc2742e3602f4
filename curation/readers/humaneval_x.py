"""Reader of HumanEval-X files (one language per file, rows keyed by ``task_id``).

A HumanEval-X program is ``prompt + canonical_solution + test``: the prompt opens the
function (with its docstring), the canonical solution closes it, and the test holds the
checks (C++: ``main``; Java: ``public class Main``; JavaScript: ``const testF = () =>
{ console.assert(...) }`` then ``testF()``; Python: ``def check(f)``, which we call on the
entry point; Go: ``func TestF(t *testing.T)`` with testify's ``assert``). Here the solution
code is ``prompt + canonical_solution`` and the test becomes the problem's harness, so
mutants of the solution reuse the same harness.

Go rows also carry ``test_setup`` (``package main`` and the imports of ``testing`` and
testify): Go wants the package clause and every import before any declaration, so the
setup opens the solution code (``test_setup + prompt + body``) and the sandbox builds the
file with ``go test``. JavaScript's ``console.assert`` only prints; the sandbox's node
runner makes a failed assert fail the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from curation.languages import UnknownLanguageError, normalize_language
from curation.readers.records import Problem, Solution
from curation.readers.tables import TableReadError, iter_rows

SOURCE = "humaneval-x"
_PYTHON_DEF = re.compile(r"^def\s+(\w+)\s*\(", re.MULTILINE)


def language_of_task(task_id: str) -> str:
    """``CPP/12`` -> ``Cpp``, ``Java/0`` -> ``Java``, ``Python/3`` -> ``Python``."""
    prefix = task_id.split("/", 1)[0]
    return normalize_language(prefix)


def python_entry_point(prompt: str) -> str | None:
    """The last top-level function the prompt defines (helpers come first)."""
    names = _PYTHON_DEF.findall(prompt)
    return names[-1] if names else None


def harness_for(language: str, test: str, entry_point: str | None) -> str:
    """The code appended to a solution to test it."""
    if language == "Python":
        if entry_point is None:
            raise ValueError("a Python HumanEval-X problem needs an entry point")
        call = f"check({entry_point})"
        # Some files' tests already call it at top level (``def check(<name>):`` does not
        # count); running the checks twice only doubles the time of every run.
        called = re.search(rf"^{re.escape(call)}\s*$", test, re.MULTILINE)
        return test if called else f"{test.rstrip()}\n\n{call}\n"
    return test


def solution_code(language: str, row: dict[str, Any], body: str) -> str:
    """The solution code of a row with ``body`` after the prompt (the canonical solution,
    or a variant of it): Go's ``test_setup`` comes first."""
    setup = (row.get("test_setup") or "") if language == "Go" else ""
    opening = f"{setup.rstrip()}\n\n" if setup.strip() else ""
    return opening + row["prompt"] + body


def humaneval_x_records(row: dict[str, Any], where: str) -> tuple[Problem, Solution]:
    """The problem and its canonical (reference) solution for one HumanEval-X row."""
    missing = [key for key in ("task_id", "prompt", "canonical_solution", "test") if key not in row]
    if missing:
        raise TableReadError(f"{where}: missing {', '.join(missing)}")
    task_id = row["task_id"]
    try:
        language = language_of_task(task_id)
    except UnknownLanguageError as error:
        raise TableReadError(f"{where}: task_id {task_id!r}: {error}") from None
    prompt = row["prompt"]
    entry_point = python_entry_point(prompt) if language == "Python" else None
    if language == "Python" and entry_point is None:
        raise TableReadError(f"{where}: no function definition in the prompt of {task_id}")
    if language == "Go" and "package " not in (row.get("test_setup") or ""):
        raise TableReadError(f"{where}: Go row {task_id} has no test_setup with a package clause")
    problem = Problem(
        id=task_id,
        source=SOURCE,
        language=language,
        prompt=prompt,
        harness=harness_for(language, row["test"], entry_point),
        entry_point=entry_point,
        group=f"HumanEval/{task_id.split('/', 1)[1]}",
    )
    solution = Solution(
        id=f"{task_id}/canonical",
        problem_id=task_id,
        language=language,
        code=solution_code(language, row, row["canonical_solution"]),
        origin="reference",
    )
    return problem, solution


def iter_humaneval_x(path: str | Path) -> Iterator[tuple[Problem, Solution]]:
    for index, row in enumerate(iter_rows(path)):
        yield humaneval_x_records(row, f"{path}, row {index}")


def read_humaneval_x(path: str | Path) -> tuple[list[Problem], list[Solution]]:
    """Problems and canonical solutions of a HumanEval-X ``.jsonl[.gz]`` file."""
    problems: list[Problem] = []
    solutions: list[Solution] = []
    for problem, solution in iter_humaneval_x(path):
        problems.append(problem)
        solutions.append(solution)
    return problems, solutions
