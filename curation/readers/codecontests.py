"""Reader of CodeContests-style files (DeepMind's ``deepmind/code_contests`` layout).

A row is one competitive-programming problem: ``name``, ``description``, tests in
``public_tests``, ``private_tests`` and ``generated_tests`` (each ``{input: [...],
output: [...]}``), accepted ``solutions`` and rejected ``incorrect_solutions`` (each
``{language: [...], solution: [...]}``, language as the dataset's enum or a name),
``time_limit`` (``{seconds, nanos}``) and ``memory_limit_bytes``.

The ``problems`` table holds one language per problem, so a row becomes one problem per
language that has solutions, with the same tests, limits and group (the row's name: the
translations must share a split). Correct submissions are ``human`` solutions; incorrect
ones are ``human`` with meta kind ``incorrect_submission``: rejected sides only, and the
known negatives of the test suite's quality. Python 2 submissions (enum 1) cannot run on a
Python 3 toolchain and are dropped and counted, as are tests with no output.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from curation.languages import UnknownLanguageError, normalize_language
from curation.readers.problem_set import INCORRECT_KIND, ProblemSet
from curation.readers.records import Problem, Solution
from curation.readers.tables import TableReadError, iter_rows
from sandbox.api import Limits, TestCase

SOURCE = "codecontests"
# The dataset's Language enum; 1 is Python 2.
LANGUAGE_ENUM = {2: "Cpp", 3: "Python", 4: "Java"}
PYTHON2 = 1
TEST_SETS = ("public_tests", "private_tests", "generated_tests")


def _tests(row: dict[str, Any], found: ProblemSet, where: str) -> tuple[TestCase, ...]:
    cases: list[TestCase] = []
    for name in TEST_SETS:
        block = row.get(name) or {}
        inputs, outputs = list(block.get("input") or []), list(block.get("output") or [])
        if len(inputs) != len(outputs):
            raise TableReadError(
                f"{where}: {name} has {len(inputs)} inputs, {len(outputs)} outputs"
            )
        for stdin, expected in zip(inputs, outputs, strict=True):
            if expected is None:
                found.dropped["test_without_output"] += 1
                continue
            cases.append(TestCase(stdin=stdin or "", expected_stdout=expected))
    return tuple(cases)


def _language(value: Any, found: ProblemSet, where: str) -> str | None:
    if isinstance(value, int):
        if value == PYTHON2:
            found.dropped["python2_solution"] += 1
            return None
        if value not in LANGUAGE_ENUM:
            found.dropped["unknown_language_solution"] += 1
            return None
        return LANGUAGE_ENUM[value]
    try:
        return normalize_language(str(value))
    except UnknownLanguageError as error:
        raise TableReadError(f"{where}: {error}") from None


def _limits(row: dict[str, Any]) -> Limits | None:
    time_limit = row.get("time_limit") or {}
    memory = row.get("memory_limit_bytes")
    if not time_limit and not memory:
        return None
    defaults = Limits()
    seconds = float(time_limit.get("seconds") or 0) + float(time_limit.get("nanos") or 0) / 1e9
    return Limits(
        time_s=seconds or defaults.time_s,
        memory_mb=int(memory) // (1024 * 1024) if memory else defaults.memory_mb,
    )


def read_codecontests(path: Path) -> ProblemSet:
    found = ProblemSet()
    for index, row in enumerate(iter_rows(path)):
        where = f"{path}, row {index}"
        name, description = row.get("name"), row.get("description")
        if not name or not description:
            raise TableReadError(f"{where}: a CodeContests row needs name and description")
        tests = _tests(row, found, where)
        if not tests:
            found.dropped["problem_without_tests"] += 1
            continue
        by_language: dict[str, list[Solution]] = defaultdict(list)
        for key, correct in (("solutions", True), ("incorrect_solutions", False)):
            block = row.get(key) or {}
            codes = list(block.get("solution") or [])
            for number, (value, code) in enumerate(
                zip(block.get("language") or [], codes, strict=True)
            ):
                language = _language(value, found, where)
                if language is None:
                    continue
                problem_id = f"{name}/{language}"
                meta = None if correct else json.dumps({"kind": INCORRECT_KIND})
                by_language[language].append(
                    Solution(
                        id=f"{problem_id}/{'correct' if correct else 'incorrect'}/{number}",
                        problem_id=problem_id,
                        language=language,
                        code=code,
                        origin="human",
                        meta=meta,
                    )
                )
        for language, solutions in sorted(by_language.items()):
            found.problems.append(
                Problem(
                    id=f"{name}/{language}",
                    source=row.get("source_name") or SOURCE,
                    language=language,
                    prompt=description,
                    tests=tests,
                    limits=_limits(row),
                    group=str(name),
                    checker=row.get("checker") or None,
                )
            )
            found.solutions.extend(solutions)
    return found
