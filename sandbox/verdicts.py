"""Pure functions that turn what a supervised process did into a :class:`Status`.

Kept apart from the backends so that both backends give the same verdict for the same
observations, and so the rules can be tested without running anything.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

from .api import Comparison, Status, TestCase
from .checkers import normalize_whitespace

TAIL_CHARS = 4096


def outputs_match(actual: str, expected: str, comparison: Comparison) -> bool:
    if comparison is Comparison.EXACT:
        return actual == expected
    return normalize_whitespace(actual) == normalize_whitespace(expected)


@dataclass(frozen=True)
class Observation:
    """What the supervisor and the cgroup saw of one test run."""

    exit_code: int
    timed_out: bool = False
    output_limited: bool = False
    oom_killed: bool = False
    stdout: str = ""
    stderr: str = ""


def classify(
    seen: Observation,
    test: TestCase,
    comparison: Comparison,
    memory_markers: tuple[str, ...] = (),
) -> Status:
    """The verdict of one test run.

    Resource verdicts come first (a killed run has no meaningful output): the wall-clock
    deadline or the CPU rlimit (SIGXCPU) give TIMEOUT; the output cap gives OUTPUT_LIMIT;
    an OOM kill counted by the cgroup, or a runtime's own out-of-memory message with a
    failing exit, give MEMORY_LIMIT. Then a non-zero exit is RUNTIME_ERROR, and stdout is
    compared for stdin/stdout tests.
    """
    if seen.timed_out or seen.exit_code == -signal.SIGXCPU:
        return Status.TIMEOUT
    if seen.output_limited:
        return Status.OUTPUT_LIMIT
    if seen.exit_code != 0 and (
        seen.oom_killed or any(marker in seen.stderr for marker in memory_markers)
    ):
        return Status.MEMORY_LIMIT
    if seen.exit_code != 0:
        return Status.RUNTIME_ERROR
    if test.expected_stdout is None:
        return Status.OK
    if test.checker is not None:
        accepted = test.checker.accepts(seen.stdout, test.expected_stdout)
        return Status.OK if accepted else Status.WRONG_ANSWER
    if outputs_match(seen.stdout, test.expected_stdout, comparison):
        return Status.OK
    return Status.WRONG_ANSWER


def tail(text: str, chars: int = TAIL_CHARS) -> str:
    return text[-chars:]
