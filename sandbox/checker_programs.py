"""Checker programs: judge outputs by running a program in the sandbox, testlib style.

A test whose checker is a :class:`~sandbox.checkers.ProgramChecker` is judged in two
steps. The candidate runs with the test's stdin and no expected output (so only its exit
and resources are judged), and keeps its stdout. Then the checker program runs once per
problem batch, compiled once: for every (candidate, test) it gets three files,
``<case>.input``, ``<case>.expected`` and ``<case>.actual`` beside it, and one line on
stdin naming them (``<case>.input <case>.expected <case>.actual``, the order of testlib's
argv); it
exits 0 to accept. A test the candidate passed becomes WRONG_ANSWER when the checker
rejects it.

The sandbox returns the last :data:`~sandbox.verdicts.TAIL_CHARS` characters of stdout, so
a candidate whose output may be longer than that cannot be checked: its test becomes
SANDBOX_ERROR (never a pass), and so does every test the checker itself could not judge
(it failed to compile, or stopped on a resource limit).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence

from .api import Comparison, Job, Program, RunResult, Sandbox, Status, TestCase, TestOutcome
from .checkers import ProgramChecker
from .verdicts import TAIL_CHARS


def _checker_of(job: Job) -> ProgramChecker | None:
    found = {test.checker for test in job.tests if isinstance(test.checker, ProgramChecker)}
    if len(found) > 1:
        raise ValueError("a job's tests must share one checker program")
    return next(iter(found), None)


def run_checked(
    sandbox: Sandbox,
    jobs: Sequence[Job],
    workers: int = 2,
    comparison: Comparison = Comparison.WHITESPACE,
    progress: bool = True,
) -> list[RunResult]:
    """``sandbox.run_many(jobs)``, with the tests of program checkers judged by running the
    checker program; results in input order."""
    checkers = [_checker_of(job) for job in jobs]
    plain = [
        job
        if checker is None
        else dataclasses.replace(job, tests=tuple(TestCase(stdin=test.stdin) for test in job.tests))
        for job, checker in zip(jobs, checkers, strict=True)
    ]
    results = sandbox.run_many(plain, workers=workers, comparison=comparison, progress=progress)
    by_checker: dict[ProgramChecker, list[int]] = defaultdict(list)
    for index, checker in enumerate(checkers):
        if checker is not None:
            by_checker[checker].append(index)
    checker_jobs: list[Job] = []
    layouts: list[list[tuple[int, int]]] = []
    for checker, indices in by_checker.items():
        job, layout = _checker_job(checker, [(i, jobs[i], results[i]) for i in indices])
        if job is not None:
            checker_jobs.append(job)
            layouts.append(layout)
    verdicts: dict[tuple[int, int], Status] = {}
    if checker_jobs:
        checked = sandbox.run_many(checker_jobs, workers=workers, progress=progress)
        for layout, result in zip(layouts, checked, strict=True):
            for case, outcome in zip(layout, result.tests, strict=False):
                if outcome.status is Status.OK:
                    verdicts[case] = Status.OK
                elif outcome.status is Status.RUNTIME_ERROR:
                    verdicts[case] = Status.WRONG_ANSWER  # exit != 0: the checker rejects
    return [
        result if checker is None else _judged(index, result, verdicts)
        for index, (result, checker) in enumerate(zip(results, checkers, strict=True))
    ]


def _checker_job(
    checker: ProgramChecker, runs: list[tuple[int, Job, RunResult]]
) -> tuple[Job | None, list[tuple[int, int]]]:
    """One job of the checker program over every checkable test of ``runs``."""
    files: dict[str, str] = {}
    tests: list[TestCase] = []
    layout: list[tuple[int, int]] = []
    for index, job, result in runs:
        for number, (test, outcome) in enumerate(zip(job.tests, result.tests, strict=False)):
            if outcome.status is not Status.OK or len(outcome.stdout_tail) >= TAIL_CHARS:
                continue
            case = f"c{index}_{number}"
            files[f"{case}.input"] = test.stdin
            files[f"{case}.expected"] = test.expected_stdout or ""
            files[f"{case}.actual"] = outcome.stdout_tail
            tests.append(TestCase(stdin=f"{case}.input {case}.expected {case}.actual\n"))
            layout.append((index, number))
    if not tests:
        return None, []
    return Job(Program(checker.language, checker.source, files), tuple(tests)), layout


def _judged(index: int, result: RunResult, verdicts: dict[tuple[int, int], Status]) -> RunResult:
    """The candidate's result with every test it passed replaced by the checker's verdict."""
    if not result.tests:
        return result
    outcomes: list[TestOutcome] = []
    for number, outcome in enumerate(result.tests):
        if outcome.status is Status.OK:
            status = verdicts.get((index, number), Status.SANDBOX_ERROR)
            outcome = dataclasses.replace(outcome, status=status)
        outcomes.append(outcome)
    failed = next((o.status for o in outcomes if o.status is not Status.OK), Status.OK)
    return dataclasses.replace(result, status=failed, tests=tuple(outcomes))
