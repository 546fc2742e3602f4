"""In-memory records of the ``problems`` and ``solutions`` tables.

Readers turn user files into these records so that the execution step and the pairing
logic never touch raw dicts: a :class:`Problem` knows how to turn a solution's code into
the :class:`~sandbox.api.Program` and test list the sandbox runs, in both test styles
(stdin/stdout cases, or a harness appended to the code that exits 0 on success).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from sandbox.api import HARNESS, Limits, Program, TestCase
from sandbox.checkers import parse_checker


@dataclass(frozen=True)
class Problem:
    """A task with tests. ``harness`` set means harness style: the program is the solution
    followed by the harness, run once with no input; else ``tests`` are stdin/stdout cases."""

    id: str
    source: str
    language: str
    prompt: str
    tests: tuple[TestCase, ...] = ()
    harness: str | None = None
    entry_point: str | None = None
    limits: Limits | None = None
    # The task independent of language ("HumanEval/0", "sample/triangular_sum"): the
    # translations of one task must land in one split, or a benchmark leaks its own prompt.
    group: str | None = None
    # How outputs are judged (sandbox/checkers.py); None is the default, whitespace.
    checker: str | None = None
    checker_code: str | None = None

    @property
    def split_group(self) -> str:
        return self.group or self.id

    @property
    def is_harness(self) -> bool:
        return self.harness is not None

    @property
    def test_cases(self) -> tuple[TestCase, ...]:
        """What the sandbox runs: the stdin/stdout cases, each with the problem's checker,
        or the single harness run."""
        if self.is_harness:
            return (HARNESS,)
        if self.checker is None:
            return self.tests
        checker = parse_checker(self.checker, self.checker_code)
        return tuple(dataclasses.replace(case, checker=checker) for case in self.tests)

    def program(self, code: str) -> Program:
        """The program that tests ``code``: the code itself, or the code then the harness."""
        if self.harness is None:
            return Program(self.language, code)
        harness = self.harness.lstrip("\n")
        return Program(self.language, f"{code.rstrip()}\n\n{harness}")

    def to_row(self) -> dict[str, Any]:
        """A row of the ``problems`` table (curation/schema.py PROBLEMS)."""
        limits = self.limits
        return {
            "id": self.id,
            "source": self.source,
            "language": self.language,
            "prompt": self.prompt,
            "tests": [
                {"stdin": case.stdin, "expected_stdout": case.expected_stdout}
                for case in self.tests
            ],
            "harness": self.harness,
            "entry_point": self.entry_point,
            "group": self.group,
            "checker": self.checker,
            "checker_code": self.checker_code,
            "limits": None
            if limits is None
            else {
                "time_s": limits.time_s,
                "memory_mb": limits.memory_mb,
                "output_kb": limits.output_kb,
                "pids": limits.pids,
                "compile_time_s": limits.compile_time_s,
            },
        }


@dataclass(frozen=True)
class Solution:
    """Candidate code for a problem. ``origin`` is one of schema.SOLUTION_ORIGINS;
    ``meta`` is a JSON string (a mutant's operator and parent, an LLM's model, ...)."""

    id: str
    problem_id: str
    language: str
    code: str
    origin: str = "human"
    meta: str | None = None

    @classmethod
    def made(
        cls, id: str, problem_id: str, language: str, code: str, origin: str, meta: dict[str, Any]
    ) -> Solution:
        """A solution made by codepref (a mutant, an LLM candidate or bug); ``meta`` is stored
        as JSON with sorted keys, so the same making always gives the same row."""
        return cls(id, problem_id, language, code, origin, json.dumps(meta, sort_keys=True))

    @property
    def kind(self) -> str | None:
        """``meta["kind"]``: what made this solution (``bug_introduction`` for LLM bugs)."""
        if not self.meta:
            return None
        meta = json.loads(self.meta)
        return meta.get("kind") if isinstance(meta, dict) else None

    def to_row(self) -> dict[str, Any]:
        """A row of the ``solutions`` table (curation/schema.py SOLUTIONS)."""
        return {
            "id": self.id,
            "problem_id": self.problem_id,
            "language": self.language,
            "code": self.code,
            "origin": self.origin,
            "meta": self.meta,
        }
