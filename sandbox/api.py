"""The sandbox's public records: what to run, under which limits, and what happened.

These dataclasses are the contract between the sandbox backends and everything that
labels code by running it (execution pairs, bug injection, benchmarks). Backends differ
in how they isolate a program; they all take a :class:`Program` and :class:`TestCase`
list and return a :class:`RunResult` with the same fields and the same meaning.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .checkers import OutputChecker


class Status(enum.StrEnum):
    """Verdict of a run, from best to worst-understood; the string values are stored."""

    OK = "OK"
    WRONG_ANSWER = "WRONG_ANSWER"
    RUNTIME_ERROR = "RUNTIME_ERROR"
    COMPILE_ERROR = "COMPILE_ERROR"
    TIMEOUT = "TIMEOUT"
    MEMORY_LIMIT = "MEMORY_LIMIT"
    OUTPUT_LIMIT = "OUTPUT_LIMIT"
    SANDBOX_ERROR = "SANDBOX_ERROR"


class Comparison(enum.StrEnum):
    """How a test's stdout is compared with the expected output."""

    EXACT = "exact"
    WHITESPACE = "whitespace"  # trailing spaces per line and trailing blank lines ignored


@dataclass(frozen=True)
class Limits:
    """Resource limits for one test run; compilation has its own time limit."""

    time_s: float = 5.0
    memory_mb: int = 512
    output_kb: int = 1024
    pids: int = 64
    compile_time_s: float = 60.0

    def __post_init__(self) -> None:
        # A zero or negative limit would make every run a TIMEOUT/OOM verdict, silently.
        for name in ("time_s", "memory_mb", "output_kb", "pids", "compile_time_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"limit {name} must be a positive number, got {value!r}")

    def scaled_from_reference(
        self, reference_time_s: float, factor: float = 4.0, floor_s: float = 4.0
    ) -> Limits:
        """Limits whose time limit is ``max(floor, factor x reference)``, the EvalPlus rule.

        Fixed time limits flip verdicts when the machine is loaded; scaling from a
        reference solution's measured time keeps verdicts stable across machines.
        """
        return Limits(
            time_s=max(floor_s, factor * reference_time_s),
            memory_mb=self.memory_mb,
            output_kb=self.output_kb,
            pids=self.pids,
            compile_time_s=self.compile_time_s,
        )


@dataclass(frozen=True)
class Program:
    """Source code in one of the 8 languages, plus extra files placed beside it."""

    language: str
    source: str
    files: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TestCase:
    """One test. With ``expected_stdout`` set, stdout is compared; with it ``None`` the
    run is harness style: the program carries its own asserts and success is exit 0.
    ``checker`` (sandbox/checkers.py) judges the output instead of the run's comparison."""

    __test__ = False  # not a pytest test class, despite its name

    stdin: str = ""
    expected_stdout: str | None = None
    checker: OutputChecker | None = None

    @property
    def is_harness(self) -> bool:
        return self.expected_stdout is None


HARNESS = TestCase()
"""A single harness-style test: run the program once with no input, pass on exit 0."""


@dataclass(frozen=True)
class TestOutcome:
    """What one test run did; times in seconds, memory in KiB."""

    status: Status
    exit_code: int | None
    wall_s: float
    cpu_s: float
    peak_memory_kb: int | None
    instructions: int | None = None
    stdout_tail: str = ""
    stderr_tail: str = ""


@dataclass(frozen=True)
class RunResult:
    """The verdict of a program over all its tests.

    ``status`` is OK only when every test passed; otherwise it is the status of the first
    failing test (or COMPILE_ERROR / SANDBOX_ERROR, with no test outcomes). Aggregates are
    over the tests that ran: wall time, CPU time and instructions summed, peak memory
    as the maximum.
    """

    status: Status
    tests: tuple[TestOutcome, ...] = ()
    compile_s: float = 0.0
    compile_output: str = ""
    backend: str = ""
    image: str = ""

    @property
    def tests_passed(self) -> int:
        return sum(outcome.status is Status.OK for outcome in self.tests)

    @property
    def passed(self) -> bool:
        return self.status is Status.OK

    @property
    def exit_code(self) -> int | None:
        return self.tests[-1].exit_code if self.tests else None

    @property
    def wall_s(self) -> float:
        return sum(outcome.wall_s for outcome in self.tests)

    @property
    def cpu_s(self) -> float:
        return sum(outcome.cpu_s for outcome in self.tests)

    @property
    def peak_memory_kb(self) -> int | None:
        values = [o.peak_memory_kb for o in self.tests if o.peak_memory_kb is not None]
        return max(values) if values else None

    @property
    def instructions(self) -> int | None:
        values = [o.instructions for o in self.tests]
        if not values or any(value is None for value in values):
            return None
        return sum(value for value in values if value is not None)

    @property
    def stdout_tail(self) -> str:
        return self.tests[-1].stdout_tail if self.tests else ""

    @property
    def stderr_tail(self) -> str:
        return self.tests[-1].stderr_tail if self.tests else self.compile_output


@dataclass(frozen=True)
class Job:
    """One unit of work for :meth:`Sandbox.run_many`."""

    program: Program
    tests: Sequence[TestCase] = (HARNESS,)
    limits: Limits | None = None


class Sandbox(Protocol):
    """What every backend offers. Backends are context managers that release their
    containers or processes on exit."""

    name: str

    def run(
        self,
        program: Program,
        tests: Sequence[TestCase] = (HARNESS,),
        limits: Limits | None = None,
        comparison: Comparison = Comparison.WHITESPACE,
    ) -> RunResult: ...

    def run_many(
        self,
        jobs: Sequence[Job],
        workers: int = 2,
        comparison: Comparison = Comparison.WHITESPACE,
        progress: bool = True,
    ) -> list[RunResult]: ...

    def close(self) -> None: ...
