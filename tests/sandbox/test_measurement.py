"""Measurements you can trust: calibrated peak memory, memory limits, stable verdicts,
instruction counts."""

from __future__ import annotations

import pytest

from sandbox import Job, Limits, ProcessSandbox, Program, Status, TestCase

TOUCH_64_MIB = """
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
int main(void) {
    size_t n = 64u << 20;
    char *volatile p = malloc(n);  /* volatile: the optimiser may not drop the pages */
    memset(p, 1, n);
    printf("%d\\n", p[n - 1]);
    return 0;
}
"""

PAST_THE_LIMIT = """
#include <stdlib.h>
#include <string.h>
int main(void) {
    for (int i = 0; i < 64; i++) {
        char *volatile p = malloc(32u << 20);
        if (!p) return 3;
        memset(p, 1, 32u << 20);
    }
    return 0;
}
"""


def test_a_64_mib_program_is_measured_within_5_percent(sandbox):
    result = sandbox.run(Program("C", TOUCH_64_MIB), [TestCase("", "1\n")])
    assert result.status is Status.OK
    assert result.peak_memory_kb == pytest.approx(64 * 1024, rel=0.05)


def test_peak_memory_is_per_run_not_a_running_maximum(sandbox):
    big = sandbox.run(Program("C", TOUCH_64_MIB), [TestCase("", "1\n")])
    small = sandbox.run(Program("C", "int main(void){return 0;}\n"))
    assert big.peak_memory_kb > 60 * 1024
    assert small.peak_memory_kb < 8 * 1024


@pytest.mark.parametrize("language", ["C", "Python"])
def test_allocating_past_the_limit_is_memory_limit(sandbox, language):
    program = (
        Program("C", PAST_THE_LIMIT)
        if language == "C"
        else Program("Python", "blocks = [bytearray(32 << 20) for _ in range(64)]\n")
    )
    result = sandbox.run(program, limits=Limits(time_s=10, memory_mb=256))
    assert result.status is Status.MEMORY_LIMIT
    assert result.peak_memory_kb <= 256 * 1024 * 1.05


def _mixed_jobs() -> list[Job]:
    square = "n = int(input())\nprint(n * n)\n"
    jobs = []
    for n in range(12):
        expected = n * n if n % 3 else n * n + 1  # every third case expects a wrong answer
        jobs.append(Job(Program("Python", square), (TestCase(f"{n}\n", f"{expected}\n"),)))
    jobs.append(Job(Program("Python", "raise SystemExit(2)\n")))
    jobs.append(Job(Program("C", "int main(void){ return }\n")))
    jobs.append(
        Job(Program("Python", "while True: pass\n"), limits=Limits(time_s=1.0, memory_mb=256))
    )
    return jobs


@pytest.mark.slow
def test_one_worker_and_two_workers_give_identical_verdicts(sandbox):
    jobs = _mixed_jobs()
    one = [r.status for r in sandbox.run_many(jobs, workers=1, progress=False)]
    two = [r.status for r in sandbox.run_many(jobs, workers=2, progress=False)]
    assert one == two
    assert one.count(Status.WRONG_ANSWER) == 4
    assert one[-3:] == [Status.RUNTIME_ERROR, Status.COMPILE_ERROR, Status.TIMEOUT]


def test_run_many_keeps_input_order(sandbox):
    jobs = [Job(Program("Python", f"print({n})\n"), (TestCase("", f"{n}\n"),)) for n in range(8)]
    results = sandbox.run_many(jobs, workers=2, progress=False)
    assert [r.stdout_tail for r in results] == [f"{n}\n" for n in range(8)]


def test_time_limit_scaled_from_a_reference_solution():
    limits = Limits(time_s=5.0).scaled_from_reference(0.3, factor=4.0, floor_s=0.5)
    assert limits.time_s == pytest.approx(1.2)
    assert Limits().scaled_from_reference(0.01).time_s == 4.0  # the floor


COUNT_TO = (
    "int main(void){{ volatile long s = 0; for (long i = 0; i < {n}; i++) s += i; return 0; }}\n"
)


@pytest.mark.slow
def test_instruction_counts_are_deterministic_and_track_work(process_sandbox):
    with ProcessSandbox(workers=1, count_instructions=True) as counting:
        small = [counting.run(Program("C", COUNT_TO.format(n=100_000))) for _ in range(2)]
        large = counting.run(Program("C", COUNT_TO.format(n=1_000_000)))
    assert small[0].instructions is not None
    assert small[0].instructions == small[1].instructions
    assert large.instructions > 5 * small[0].instructions
