"""Readers and writers of the ``problems`` and ``solutions`` tables (Parquet or JSONL).

User files come with their own spellings (``C#``, ``input`` for ``prompt``, ``subset`` for
``source``, ``input``/``output`` for a test's stdin and expected stdout). They are
normalised here, once, and every bad row fails with an error that names the file and the
row, instead of a stack trace three stages later.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curation.languages import UnknownLanguageError, normalize_language
from curation.pairs.columns import canonical_row
from curation.readers.records import Problem, Solution
from curation.schema import PROBLEMS, SOLUTION_ORIGINS, SOLUTIONS, validate
from sandbox.api import Limits, TestCase
from sandbox.checkers import CheckerSpecError, parse_checker

_LIMIT_FIELDS = tuple(field.name for field in dataclasses.fields(Limits))
_TEST_ALIASES = {"input": "stdin", "output": "expected_stdout", "expected": "expected_stdout"}


class TableReadError(ValueError):
    """A problems or solutions file that cannot be read; the message names file and row."""


def iter_rows(path: str | Path) -> Iterator[dict[str, Any]]:
    """Rows of a ``.parquet``, ``.jsonl``/``.jsonl.gz`` or ``.json`` (a list) file; a file
    that is not valid UTF-8, JSON or Parquet is a :class:`TableReadError` naming it."""
    try:
        yield from _iter_rows(Path(path))
    except UnicodeDecodeError as error:
        raise TableReadError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); re-encode it as UTF-8"
        ) from None
    except json.JSONDecodeError as error:
        raise TableReadError(
            f"{path}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}; "
            "fix that line (JSON Lines: one object per line)"
        ) from None
    except (pa.ArrowInvalid, OSError, EOFError) as error:
        raise TableReadError(
            f"{path}: cannot be read ({error}); give a Parquet, JSON or JSON Lines table"
        ) from None


def _iter_rows(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise TableReadError(f"{path}: no such file, check the path")
    name = path.name.lower()
    if name.endswith(".parquet"):
        yield from pq.read_table(path).to_pylist()
    elif name.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    raise TableReadError(f"{path}, line {number}: invalid JSON: {error}") from None
                if not isinstance(row, dict):
                    raise TableReadError(f"{path}, line {number}: expected a JSON object")
                yield row
    elif name.endswith(".json"):
        rows = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(rows, list):
            raise TableReadError(f"{path}: expected a JSON list of objects")
        yield from rows
    else:
        raise TableReadError(f"{path}: unknown format (expected .parquet, .jsonl[.gz] or .json)")


def _canonical(row: dict[str, Any]) -> dict[str, Any]:
    """Problem tables spell ``prompt``/``source`` like pairs do (one alias table,
    :mod:`curation.pairs.columns`); HumanEval's ``task_id`` is their own id spelling."""
    out = canonical_row(row)
    if "task_id" in out and "id" not in out:
        out["id"] = out.pop("task_id")
    return out


def _required(row: dict[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or (key != "code" and not value.strip()):
        raise TableReadError(f"{where}: missing or empty {key!r}")
    return value


def _language(row: dict[str, Any], where: str) -> str:
    try:
        return normalize_language(_required(row, "language", where))
    except UnknownLanguageError as error:
        raise TableReadError(f"{where}: {error}") from None


def _tests(value: Any, where: str) -> tuple[TestCase, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TableReadError(f"{where}: 'tests' must be a list of {{stdin, expected_stdout}}")
    cases = []
    for index, case in enumerate(value):
        if not isinstance(case, dict):
            raise TableReadError(f"{where}: test {index} is not an object")
        case = {_TEST_ALIASES.get(key, key): item for key, item in case.items()}
        expected = case.get("expected_stdout")
        if expected is None:
            raise TableReadError(f"{where}: test {index} has no expected_stdout")
        cases.append(TestCase(stdin=case.get("stdin") or "", expected_stdout=str(expected)))
    return tuple(cases)


def _limits(value: Any, where: str) -> Limits | None:
    if not value:
        return None
    if not isinstance(value, dict):
        raise TableReadError(
            f"{where}: 'limits' must be an object of {', '.join(_LIMIT_FIELDS)}, got {value!r}"
        )
    unknown = sorted(set(value) - set(_LIMIT_FIELDS))
    if unknown:
        raise TableReadError(
            f"{where}: unknown limits key(s) {', '.join(unknown)}; "
            f"known: {', '.join(_LIMIT_FIELDS)}"
        )
    known = {key: item for key, item in value.items() if item is not None}
    bad = [key for key, item in known.items() if not isinstance(item, int | float) or item <= 0]
    if bad:
        raise TableReadError(f"{where}: limits {', '.join(bad)} must be positive numbers")
    return Limits(**known)


def problem_from_row(row: dict[str, Any], where: str) -> Problem:
    """One :class:`Problem` from a (possibly aliased) row; ``where`` names it in errors."""
    row = _canonical(row)
    tests = _tests(row.get("tests"), where)
    harness = row.get("harness") or None
    if not tests and harness is None:
        raise TableReadError(f"{where}: a problem needs stdin/stdout 'tests' or a 'harness'")
    if tests and harness is not None:
        raise TableReadError(f"{where}: give either stdin/stdout 'tests' or a 'harness', not both")
    checker = row.get("checker") or None
    checker_code = row.get("checker_code") or None
    if checker is not None:
        try:
            parse_checker(checker, checker_code)
        except CheckerSpecError as error:
            raise TableReadError(f"{where}: {error}") from None
        if harness is not None:
            raise TableReadError(f"{where}: a checker judges stdout; a harness problem has none")
    return Problem(
        id=_required(row, "id", where),
        source=row.get("source") or "unknown",
        language=_language(row, where),
        prompt=_required(row, "prompt", where),
        tests=tests,
        harness=harness,
        entry_point=row.get("entry_point") or None,
        limits=_limits(row.get("limits"), where),
        group=row.get("group") or None,
        checker=checker,
        checker_code=checker_code,
    )


def solution_from_row(row: dict[str, Any], where: str) -> Solution:
    """One :class:`Solution` from a row; ``meta`` may be a JSON object or a JSON string."""
    row = _canonical(row)
    origin = row.get("origin") or "human"
    if origin not in SOLUTION_ORIGINS:
        raise TableReadError(
            f"{where}: origin {origin!r} is not one of {', '.join(SOLUTION_ORIGINS)}"
        )
    meta = row.get("meta")
    if meta is not None and not isinstance(meta, str):
        meta = json.dumps(meta, sort_keys=True)
    return Solution(
        id=_required(row, "id", where),
        problem_id=_required(row, "problem_id", where),
        language=_language(row, where),
        code=_required(row, "code", where),
        origin=origin,
        meta=meta,
    )


def read_problems(path: str | Path) -> list[Problem]:
    """Problems from a file; duplicate ids are an error (pairs would mix their tests)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, row in enumerate(iter_rows(path)):
        problem = problem_from_row(row, f"{path}, row {index}")
        if problem.id in seen:
            raise TableReadError(f"{path}, row {index}: duplicate problem id {problem.id!r}")
        seen.add(problem.id)
        problems.append(problem)
    return problems


def read_solutions(path: str | Path) -> list[Solution]:
    """Solutions from a file; duplicate ids are an error."""
    solutions: list[Solution] = []
    seen: set[str] = set()
    for index, row in enumerate(iter_rows(path)):
        solution = solution_from_row(row, f"{path}, row {index}")
        if solution.id in seen:
            raise TableReadError(f"{path}, row {index}: duplicate solution id {solution.id!r}")
        seen.add(solution.id)
        solutions.append(solution)
    return solutions


def problems_table(problems: Iterable[Problem]) -> pa.Table:
    """The ``problems`` table, validated against curation/schema.py."""
    rows = [problem.to_row() for problem in problems]
    return validate(pa.Table.from_pylist(rows, schema=PROBLEMS), PROBLEMS, "problems")


def solutions_table(solutions: Iterable[Solution]) -> pa.Table:
    """The ``solutions`` table, validated against curation/schema.py."""
    rows = [solution.to_row() for solution in solutions]
    return validate(pa.Table.from_pylist(rows, schema=SOLUTIONS), SOLUTIONS, "solutions")
