"""Reader of HumanEval-X files (one language per file, rows keyed by ``task_id``).

A HumanEval-X program is ``prompt + canonical_solution + test``: the prompt opens the
function (with its docstring), the canonical solution closes it, and the test holds the
checks (C++: ``main``; Java: ``public class Main``; JavaScript: ``const testF = () =>
{ console.assert(...) }`` then ``testF()``; Python: ``def check(f)``, which we call on the
entry point; Go: ``func TestF(t *testing.T)`` with testify's ``assert``). Here the solution
code is ``prompt + canonical_solution`` and the test becomes the problem's harness, so
mutants of the solution reuse the same harness.

Go rows also carry ``test_setup`` (``package main`` and the imports of ``testing`` and
testify) and ``import``: Go wants the package clause and every import before any
declaration, and rejects unused or repeated imports, so the solution code opens with
``package main`` and one import block of exactly the packages the code and its test name
(see :func:`go_imports`); the sandbox builds the file with ``go test``. JavaScript's
``console.assert`` only prints; the sandbox's node runner makes a failed assert fail the
run.
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


# Standard packages a Go solution may use without its row importing them (the reference
# harness adds the same ones when the code mentions them).
GO_STANDARD_PACKAGES = (
    "math",
    "strings",
    "fmt",
    "strconv",
    "time",
    "bytes",
    "regexp",
    "sort",
    "math/rand",
    "crypto/md5",
)
_GO_IMPORT_PATH = re.compile(r'"([\w./-]+)"')
_GO_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


def go_imports(row: dict[str, Any], code: str) -> list[str]:
    """The packages a Go program needs: those of the row's setup and import, and the
    standard ones above, each kept only when the code (with the test) names it — Go rejects
    both an unused import and one imported twice."""
    declared = _GO_IMPORT_PATH.findall((row.get("test_setup") or "") + (row.get("import") or ""))
    code = _GO_COMMENT.sub(" ", code)  # "a list of strings." in a doc comment is no use
    chosen: dict[str, str] = {}
    for path in [*declared, *GO_STANDARD_PACKAGES]:
        name = path.rsplit("/", 1)[-1]
        if name not in chosen and re.search(rf"\b{re.escape(name)}\.[A-Za-z_]", code):
            chosen[name] = path
    return list(chosen.values())


def solution_code(language: str, row: dict[str, Any], body: str) -> str:
    """The solution code of a row with ``body`` after the prompt (the canonical solution,
    or a variant of it). Go's comes after ``package main`` and one import block of what
    the code and its test use (the prompt's own import block is dropped)."""
    if language != "Go":
        return row["prompt"] + body
    prompt = row["prompt"].replace(row.get("import") or "\0", "", 1)
    imports = go_imports(row, prompt + body + "\n" + row.get("test", ""))
    block = "".join(f'    "{path}"\n' for path in imports)
    opening = "package main\n\n" + (f"import (\n{block})\n" if block else "")
    return opening + prompt.lstrip("\n") + body


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
