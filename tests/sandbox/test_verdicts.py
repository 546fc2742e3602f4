"""The verdict rules, without running anything."""

from __future__ import annotations

import signal

import pytest

from sandbox import HARNESS, Comparison, Status, TestCase
from sandbox.verdicts import Observation, classify, normalize_whitespace, outputs_match


def test_whitespace_comparison_ignores_trailing_spaces_and_blank_lines_only():
    assert normalize_whitespace("a  \r\nb\t\n\n\n") == "a\nb"
    assert outputs_match("1 2 \n3\n\n", "1 2\n3", Comparison.WHITESPACE)
    assert not outputs_match("1  2\n", "1 2\n", Comparison.WHITESPACE)  # inner spaces count
    assert not outputs_match("\n1\n", "1\n", Comparison.WHITESPACE)  # leading lines count
    assert not outputs_match("1\n", "1", Comparison.EXACT)
    assert outputs_match("1\n", "1\n", Comparison.EXACT)


@pytest.mark.parametrize(
    ("seen", "test", "status"),
    [
        (Observation(0, stdout="5\n"), TestCase("", "5"), Status.OK),
        (Observation(0, stdout="6\n"), TestCase("", "5"), Status.WRONG_ANSWER),
        (Observation(0), HARNESS, Status.OK),
        (Observation(1), HARNESS, Status.RUNTIME_ERROR),
        (Observation(-signal.SIGSEGV), HARNESS, Status.RUNTIME_ERROR),
        (Observation(-signal.SIGKILL, timed_out=True), HARNESS, Status.TIMEOUT),
        (Observation(-signal.SIGXCPU), HARNESS, Status.TIMEOUT),
        (Observation(-signal.SIGKILL, output_limited=True), HARNESS, Status.OUTPUT_LIMIT),
        (Observation(-signal.SIGKILL, oom_killed=True), HARNESS, Status.MEMORY_LIMIT),
        (Observation(1, stderr="MemoryError\n"), HARNESS, Status.MEMORY_LIMIT),
        (Observation(0, stderr="MemoryError\n"), HARNESS, Status.OK),  # caught and survived
        (Observation(0, oom_killed=True), HARNESS, Status.OK),  # a child was killed, not it
    ],
)
def test_classify(seen, test, status):
    assert classify(seen, test, Comparison.WHITESPACE, ("MemoryError",)) is status
