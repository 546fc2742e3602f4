from __future__ import annotations

import pytest

from sandbox.api import Job, Program, Status
from sandbox.api import TestCase as Case
from sandbox.checker_programs import run_checked
from sandbox.checkers import FloatChecker, ProgramChecker, TokensChecker

# A testlib-style checker: any order of the numbers is accepted (a multiset answer).
SORTED_CHECKER = ProgramChecker(
    "Python",
    "import sys\n"
    "inp, exp, act = sys.stdin.readline().split()\n"
    "want = sorted(open(exp).read().split())\n"
    "got = sorted(open(act).read().split())\n"
    "sys.exit(0 if got == want else 1)\n",
)
TESTS = (Case("3 1 2\n", "1 2 3\n"), Case("5 4\n", "4 5\n"))


def py(code: str) -> Program:
    return Program("Python", code)


@pytest.mark.slow
def test_checker_program_accepts_any_order_and_rejects_wrong_answers(sandbox) -> None:
    tests = tuple(Case(t.stdin, t.expected_stdout, SORTED_CHECKER) for t in TESTS)
    jobs = [
        Job(py("print(*sorted(map(int, input().split())))"), tests),
        Job(py("print(*map(int, input().split()))"), tests),  # unsorted: checker accepts
        Job(py("print(*sorted(map(int, input().split()))[1:])"), tests),  # drops one: wrong
        Job(py("import sys; sys.exit(3)"), tests),
        Job(py("print(1, 2, 3)"), tests),  # right on test 0 only
        # A plain whitespace job in the same batch is not touched.
        Job(py("print(*sorted(map(int, input().split())))"), TESTS),
    ]
    results = run_checked(sandbox, jobs, workers=2, progress=False)
    assert [r.status for r in results] == [
        Status.OK,
        Status.OK,
        Status.WRONG_ANSWER,
        Status.RUNTIME_ERROR,
        Status.WRONG_ANSWER,
        Status.OK,
    ]
    assert [r.tests_passed for r in results] == [2, 2, 0, 0, 1, 2]


@pytest.mark.slow
def test_a_checker_that_does_not_compile_passes_nothing(process_sandbox) -> None:
    broken = ProgramChecker("Cpp", "int main( { return 0; }\n")
    tests = tuple(Case(t.stdin, t.expected_stdout, broken) for t in TESTS)
    [result] = run_checked(
        process_sandbox,
        [Job(py("print(*sorted(map(int, input().split())))"), tests)],
        progress=False,
    )
    assert result.status is Status.SANDBOX_ERROR and result.tests_passed == 0


@pytest.mark.slow
def test_float_and_token_checkers_in_a_real_run(sandbox) -> None:
    close = Case("", "2.25\n", FloatChecker(1e-6))
    lines = Case("", "1 2 3\n", TokensChecker())
    results = sandbox.run_many(
        [
            Job(py("print('2.2500000001')"), (close,)),
            Job(py("print('2.2501')"), (close,)),
            Job(py("print(1); print(2); print(3)"), (lines,)),
            Job(py("print(12, 3)"), (lines,)),
        ],
        progress=False,
    )
    assert [r.status for r in results] == [
        Status.OK,
        Status.WRONG_ANSWER,
        Status.OK,
        Status.WRONG_ANSWER,
    ]
