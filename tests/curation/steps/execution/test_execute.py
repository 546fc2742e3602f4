from __future__ import annotations

import pyarrow as pa
import pytest

from curation.readers.records import Problem, Solution
from curation.schema import EXECUTIONS, validate
from curation.steps.execution.documents import ProblemReader, executions_of
from curation.steps.execution.execute import ExecuteSolutions, ExecutionConfig, execute_solutions
from curation.steps.execution.records import record_from_runs
from sandbox import open_sandbox
from sandbox.api import RunResult, Status
from sandbox.api import TestCase as Case
from sandbox.api import TestOutcome as Outcome

ADD = Problem(
    id="add",
    source="unit",
    language="Python",
    prompt="Print the sum of two integers.",
    tests=(Case("1 2\n", "3\n"), Case("5 5\n", "10\n")),
)
ADD_SOLUTIONS = [
    Solution("add/ok", "add", "Python", "a, b = map(int, input().split())\nprint(a + b)\n"),
    Solution("add/wrong", "add", "Python", "a, b = map(int, input().split())\nprint(a - b)\n"),
    Solution(
        "add/loop",
        "add",
        "Python",
        "while True:\n    pass\n",
        origin="mutant",
        meta='{"operator": "negate_condition"}',
    ),
]
SQUARE = Problem(
    id="square",
    source="unit",
    language="C",
    prompt="Write int square(int).",
    harness="int main(void) { return square(7) == 49 ? 0 : 1; }\n",
)
SQUARE_SOLUTIONS = [
    Solution("square/ok", "square", "C", "int square(int x) { return x * x; }\n", "reference"),
    Solution("square/broken", "square", "C", "int square(int x) { return x * ; }\n"),
]

CONFIG = ExecutionConfig(backend="process", repeats=3, mutant_time_floor_s=0.5, progress=False)


def outcome(status: Status, cpu: float) -> Outcome:
    return Outcome(status, 0, cpu, cpu, 1000)


def test_record_from_runs_keeps_every_repeat_and_distrusts_flaky_passes() -> None:
    ok = RunResult(Status.OK, (outcome(Status.OK, 0.1), outcome(Status.OK, 0.2)), backend="b")
    late = RunResult(Status.TIMEOUT, (outcome(Status.OK, 0.1), outcome(Status.TIMEOUT, 5.0)))
    record = record_from_runs("s", "p", 2, [ok, ok])
    assert record.passed and record.repeats == 2
    assert record.cpu_s == pytest.approx((0.3, 0.3))
    assert record.instructions is None
    flaky = record_from_runs("s", "p", 2, [ok, late])
    assert flaky.status == "TIMEOUT" and flaky.tests_passed == 1 and not flaky.passed
    with pytest.raises(ValueError, match="no runs"):
        record_from_runs("s", "p", 2, [])


@pytest.mark.slow
def test_execute_solutions_repeats_passing_runs_and_scales_mutant_limits() -> None:
    with open_sandbox("process", workers=2) as sandbox:
        records = execute_solutions(
            sandbox, [(ADD, ADD_SOLUTIONS), (SQUARE, SQUARE_SOLUTIONS)], CONFIG
        )
    ok, wrong, loop = (records[s.id] for s in ADD_SOLUTIONS)
    assert (ok.status, ok.repeats, ok.tests_passed, ok.tests_total) == ("OK", 3, 2, 2)
    assert len(ok.cpu_s) == len(ok.wall_s) == len(ok.peak_memory_kb) == 3
    assert all(value > 0 for value in ok.peak_memory_kb)
    assert (wrong.status, wrong.repeats, wrong.tests_passed) == ("WRONG_ANSWER", 1, 0)
    # The mutant's limit is max(0.5 s, 4 x the reference's time), far below the 5 s default.
    assert loop.status == "TIMEOUT" and loop.repeats == 1
    assert loop.wall_s[0] < 3.0
    assert records["square/ok"].status == "OK" and records["square/ok"].tests_total == 1
    assert records["square/broken"].status == "COMPILE_ERROR"
    rows = [record.to_row() for record in records.values()]
    assert validate(pa.Table.from_pylist(rows, schema=EXECUTIONS), EXECUTIONS).num_rows == 5


@pytest.mark.slow
def test_execute_step_annotates_documents_in_batches() -> None:
    step = ExecuteSolutions(
        ExecutionConfig(backend="process", repeats=2, batch_size=1, progress=False)
    )
    reader = ProblemReader([ADD, SQUARE], ADD_SOLUTIONS[:2] + SQUARE_SOLUTIONS[:1])
    documents = list(step(reader()))
    assert [d.id for d in documents] == ["add", "square"]
    statuses = {r.solution_id: (r.status, r.repeats) for d in documents for r in executions_of(d)}
    assert statuses == {
        "add/ok": ("OK", 2),
        "add/wrong": ("WRONG_ANSWER", 1),
        "square/ok": ("OK", 2),
    }
    assert step.stats["problems"].total == 2


def test_duplicate_solution_ids_are_an_error() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        execute_solutions(None, [(ADD, ADD_SOLUTIONS[:1] * 2)], CONFIG)  # type: ignore[arg-type]


def test_execution_config_validates_repeats() -> None:
    with pytest.raises(ValueError, match="repeats"):
        ExecutionConfig(repeats=0)


@pytest.mark.slow
def test_instruction_counts_become_the_runtime_measure() -> None:
    from curation.steps.pairs.executions import PairingConfig, pair_problem

    problem = Problem(
        id="tri",
        source="unit",
        language="C",
        prompt="Print 1 + 2 + ... + n for the n on stdin.",
        tests=(Case("2000\n", "2001000\n"),),
    )
    head = '#include <stdio.h>\nint main(void) {\n    long n, s = 0;\n    scanf("%ld", &n);\n'
    tail = '    printf("%ld\\n", s);\n    return 0;\n}\n'
    fast = head + "    for (long i = 1; i <= n; i++) s += i;\n" + tail
    slow = (
        head
        # The modulo keeps the compiler from turning the inner loop into a closed form.
        + "    for (long i = 1; i <= n; i++) {\n        long c = 0;\n"
        + "        for (long j = 0; j < i; j++) c = (c + 1) % 1000000007;\n"
        + "        s += c;\n    }\n"
        + tail
    )
    solutions = [Solution("tri/fast", "tri", "C", fast), Solution("tri/slow", "tri", "C", slow)]
    config = ExecutionConfig(backend="process", repeats=4, count_instructions=True, progress=False)
    with open_sandbox("process", workers=2, count_instructions=True) as sandbox:
        records = execute_solutions(sandbox, [(problem, solutions)], config)
    assert all(r.passed and r.instructions is not None for r in records.values())
    assert len(set(records["tri/fast"].instructions or ())) == 1  # deterministic counts
    rows = pair_problem(problem, solutions, list(records.values()), PairingConfig())
    (runtime,) = [row for row in rows if row["aspect"] == "Runtime_Efficiency"]
    evidence = __import__("json").loads(runtime["evidence"])
    assert evidence["measure"] == "instructions"
    assert evidence["chosen"]["solution_id"] == "tri/fast" and evidence["ratio"] > 10
