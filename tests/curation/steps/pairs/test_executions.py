from __future__ import annotations

import json

import pyarrow as pa
import pytest

from curation.assembly.ids import pair_id
from curation.readers.records import Problem, Solution
from curation.schema import PAIRS, validate
from curation.steps.execution.records import ExecutionRecord
from curation.steps.pairs.executions import (
    FC,
    ME,
    RE,
    PairingConfig,
    efficiency_test,
    pair_problem,
    runtime_measure,
)
from sandbox.api import TestCase as Case

PROBLEM = Problem(
    id="p1",
    source="unit",
    language="Python",
    prompt="Sum the numbers.",
    tests=(Case("1 2\n", "3\n"),),
)


def solution(name: str, origin: str = "human") -> Solution:
    return Solution(f"p1/{name}", "p1", "Python", f"# {name}\nprint(3)\n", origin)


def record(
    name: str,
    status: str = "OK",
    cpu: tuple[float, ...] = (0.01, 0.011, 0.012, 0.01, 0.011),
    memory: tuple[int, ...] = (1000, 1010, 990, 1000, 1005),
    instructions: tuple[int, ...] | None = None,
    passed: int = 1,
) -> ExecutionRecord:
    return ExecutionRecord(
        solution_id=f"p1/{name}",
        problem_id="p1",
        backend="process",
        status=status,
        tests_passed=passed,
        tests_total=1,
        repeats=len(cpu),
        wall_s=cpu,
        cpu_s=cpu,
        peak_memory_kb=memory,
        instructions=instructions,
    )


def test_efficiency_test_accepts_clean_separation_beyond_threshold() -> None:
    result = efficiency_test(
        "cpu_s", [1.0, 1.1, 0.9, 1.0, 1.05], [5.0, 5.2, 4.9, 5.1, 5.3], 2.0, 0.05
    )
    assert result is not None and result.significant
    assert result.ratio == pytest.approx(5.1 / 1.0)
    assert result.p_value == pytest.approx(1 / 252)  # exact one-sided U, 5 vs 5


def test_efficiency_test_rejects_ratio_below_threshold() -> None:
    result = efficiency_test(
        "cpu_s", [1.0, 1.1, 0.9, 1.0, 1.05], [1.8, 1.9, 1.85, 1.7, 1.95], 2.0, 0.05
    )
    assert result is not None and not result.significant
    assert result.ratio < 2.0


def test_efficiency_test_rejects_overlapping_repeats_even_with_a_high_median_ratio() -> None:
    # The medians differ 3x, but one cheap repeat is as slow as the costly ones: noise.
    result = efficiency_test(
        "cpu_s", [1.0, 1.0, 1.0, 9.0, 9.0], [3.0, 3.0, 3.0, 3.0, 3.0], 2.0, 0.05
    )
    assert result is not None
    assert result.ratio == pytest.approx(3.0)
    assert not result.significant


def test_every_repeat_must_clear_the_threshold() -> None:
    # Medians 2.5x apart and U significant at 0.05 (p = 4/252), but two cheap repeats and
    # the fastest costly one are 1.9x apart: under a passing load the label flipped between
    # reruns, so by default it is not emitted (the costliest repeat of each side set aside,
    # the second 1.1 still stands against the 2.09).
    cheap, costly = [1.0, 1.0, 1.0, 1.1, 1.1], [2.09, 2.5, 2.5, 2.6, 2.7]
    lenient = efficiency_test("cpu_s", cheap, costly, 2.0, 0.05)
    assert lenient is not None and lenient.significant
    assert lenient.p_value == pytest.approx(4 / 252)
    strict = efficiency_test("cpu_s", cheap, costly, 2.0, 0.05, every_repeat=True)
    assert strict is not None and not strict.significant
    assert strict.min_ratio == pytest.approx(2.09 / 1.1)
    solutions = [solution("fast"), solution("slow")]
    records = [record("fast", cpu=tuple(cheap)), record("slow", cpu=tuple(costly))]
    runtime = [
        r for r in pair_problem(PROBLEM, solutions, records, PairingConfig()) if r["aspect"] == RE
    ]
    assert runtime == []
    lenient_config = PairingConfig(every_repeat=False)
    assert [
        sides(r)
        for r in pair_problem(PROBLEM, solutions, records, lenient_config)
        if r["aspect"] == RE
    ] == [("p1/fast", "p1/slow")]


def test_one_disturbed_repeat_does_not_decide_a_pair() -> None:
    # Measured (test-retest of the samples, C# triangular_sum): the memory-hungry solution
    # ran 0.039-0.054 s and once 0.114 s, the slow one 0.125-0.136 s. That one repeat made
    # the U test miss (p = 19/252) and the every-repeat ratio 1.09, in one run of three.
    cheap = (0.054, 0.054, 0.052, 0.039, 0.114)
    costly = (0.125, 0.126, 0.136, 0.125, 0.125)
    whole = efficiency_test("cpu_s", cheap, costly, 2.0, 0.05, every_repeat=True)
    assert whole is not None and not whole.significant
    assert whole.p_value == pytest.approx(19 / 252)
    kept = efficiency_test(
        "cpu_s", cheap, costly, 2.0, 0.05, every_repeat=True, discard_costliest=1
    )
    assert kept is not None and kept.significant
    assert kept.p_value == pytest.approx(1 / 70)  # 4 vs 4, clean separation
    assert kept.min_ratio == pytest.approx(0.125 / 0.054)
    solutions = [solution("memory"), solution("slow")]
    records = [
        record("memory", cpu=cheap, memory=(34000,) * 5),
        record("slow", cpu=costly, memory=(3000,) * 5),
    ]
    runtime = [
        r for r in pair_problem(PROBLEM, solutions, records, PairingConfig()) if r["aspect"] == RE
    ]
    assert [sides(r) for r in runtime] == [("p1/memory", "p1/slow")]
    assert json.loads(runtime[0]["evidence"])["discarded_costliest"] == 1
    whole_config = PairingConfig(discard_costliest=0)
    whole_pairs = pair_problem(PROBLEM, solutions, records, whole_config)
    assert not [r for r in whole_pairs if r["aspect"] == RE]
    # Set aside, then too few repeats left for the test.
    assert efficiency_test("cpu_s", cheap[:4], costly[:4], 2.0, 0.05, 4, True, 1) is None
    with pytest.raises(ValueError, match="discard_costliest"):
        PairingConfig(discard_costliest=-1)


def test_runtime_pair_needs_more_time_than_memory_explains() -> None:
    # Measured (JavaScript max_subarray): a 100 MB table made the memory-hungry solution
    # 2.3-2.9x slower than the fast one, a ratio that crossed 2x between reruns; it is
    # 16x bigger, so its extra time may be nothing but its extra memory: the memory pair
    # says it, the runtime pair is not emitted. A quadratic loop 30x slower in 4x the
    # memory is a runtime pair, and so is the smaller program's win over the table.
    solutions = [solution("fast"), solution("memory"), solution("slow")]
    records = [
        record("fast", cpu=(0.036, 0.045, 0.033, 0.043, 0.028), memory=(6000,) * 5),
        record("memory", cpu=(0.105, 0.112, 0.103, 0.117, 0.091), memory=(100000,) * 5),
        record("slow", cpu=(1.14, 1.16, 1.15, 1.13, 1.15), memory=(24000,) * 5),
    ]
    pairs = pair_problem(PROBLEM, solutions, records, PairingConfig())
    runtime = {sides(r): json.loads(r["evidence"]) for r in pairs if r["aspect"] == RE}
    assert set(runtime) == {("p1/fast", "p1/slow"), ("p1/memory", "p1/slow")}
    assert runtime[("p1/fast", "p1/slow")]["memory_ratio"] == pytest.approx(4.0)
    assert runtime[("p1/fast", "p1/slow")]["ratio"] > 25
    assert {sides(r) for r in pairs if r["aspect"] == ME} == {
        ("p1/fast", "p1/memory"),
        ("p1/slow", "p1/memory"),
        ("p1/fast", "p1/slow"),
    }
    either = PairingConfig(runtime_beyond_memory=False)
    assert {
        sides(r) for r in pair_problem(PROBLEM, solutions, records, either) if r["aspect"] == RE
    } == {("p1/fast", "p1/slow"), ("p1/memory", "p1/slow"), ("p1/fast", "p1/memory")}


def test_efficiency_test_needs_enough_repeats() -> None:
    assert efficiency_test("cpu_s", [1.0, 1.0], [9.0, 9.0], 2.0, 0.05, min_repeats=3) is None


def test_deterministic_instruction_counts_decide_by_ratio() -> None:
    assert efficiency_test("instructions", [100] * 5, [300] * 5, 2.0, 0.05).significant  # type: ignore[union-attr]
    assert not efficiency_test("instructions", [100] * 5, [150] * 5, 2.0, 0.05).significant  # type: ignore[union-attr]


def test_no_instruction_count_repeat_is_set_aside() -> None:
    # Interference cannot change an instruction count: with 4 repeats (the floor) setting
    # one aside would leave too few for any runtime pair.
    cpu = (0.01, 0.011, 0.012, 0.01)
    solutions = [solution("fast"), solution("slow")]
    records = [
        record("fast", cpu=cpu, memory=(1000,) * 4, instructions=(100,) * 4),
        record("slow", cpu=cpu, memory=(1000,) * 4, instructions=(900,) * 4),
    ]
    runtime = [
        r for r in pair_problem(PROBLEM, solutions, records, PairingConfig()) if r["aspect"] == RE
    ]
    assert [sides(r) for r in runtime] == [("p1/fast", "p1/slow")]
    evidence = json.loads(runtime[0]["evidence"])
    assert (evidence["measure"], evidence["discarded_costliest"]) == ("instructions", 0)


def test_runtime_measure_prefers_instructions_when_both_sides_have_them() -> None:
    with_counts = record("a", instructions=(10, 10, 10, 10, 10))
    assert (
        runtime_measure(with_counts, record("b", instructions=(30, 30, 30, 30, 30)))
        == "instructions"
    )
    assert runtime_measure(with_counts, record("b")) == "cpu_s"


def sample_records() -> tuple[list[Solution], list[ExecutionRecord]]:
    solutions = [solution(n) for n in ("fast", "slow", "memory", "wrong", "broken")]
    records = [
        record("fast"),
        record("slow", cpu=(0.2, 0.21, 0.22, 0.2, 0.19)),
        record("memory", memory=(40000, 40100, 39900, 40000, 40050)),
        record("wrong", status="WRONG_ANSWER", cpu=(0.01,), memory=(1000,), passed=0),
        record("broken", status="COMPILE_ERROR", cpu=(), memory=(), passed=0),
    ]
    return solutions, records


def sides(row: dict) -> tuple[str, str]:
    evidence = json.loads(row["evidence"])
    return evidence["chosen"]["solution_id"], evidence["rejected"]["solution_id"]


def test_pair_problem_labels_correctness_runtime_and_memory() -> None:
    solutions, records = sample_records()
    rows = pair_problem(PROBLEM, solutions, records, PairingConfig())
    by_aspect: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        by_aspect.setdefault(row["aspect"], set()).add(sides(row))
    assert by_aspect[FC] == {
        ("p1/fast", "p1/wrong"),
        ("p1/slow", "p1/wrong"),
        ("p1/memory", "p1/wrong"),
    }
    # A compile error is never a rejected side.
    assert all("broken" not in rejected for _, rejected in by_aspect[FC])
    assert by_aspect[RE] == {("p1/fast", "p1/slow"), ("p1/memory", "p1/slow")}
    assert by_aspect[ME] == {("p1/fast", "p1/memory"), ("p1/slow", "p1/memory")}
    table = validate(pa.Table.from_pylist(rows, schema=PAIRS), PAIRS, "pairs")
    assert table.num_rows == 7
    assert set(table.column("label_method").to_pylist()) == {"execution"}
    assert len(set(table.column("split").to_pylist())) == 1  # one problem, one split


def test_pair_rows_carry_stable_ids_and_evidence() -> None:
    solutions, records = sample_records()
    rows = pair_problem(PROBLEM, solutions, records, PairingConfig())
    again = pair_problem(
        PROBLEM, list(reversed(solutions)), list(reversed(records)), PairingConfig()
    )
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in again)
    runtime = next(r for r in rows if r["aspect"] == RE and sides(r) == ("p1/fast", "p1/slow"))
    assert runtime["id"] == pair_id(PROBLEM.prompt, runtime["chosen"], runtime["rejected"], RE)
    evidence = json.loads(runtime["evidence"])
    assert evidence["measure"] == "cpu_s"
    # Medians and the U test of the repeats left once each side's costliest is set aside.
    assert evidence["ratio"] == pytest.approx(0.2 / 0.0105)
    assert evidence["rejected"]["values"] == [0.2, 0.21, 0.22, 0.2, 0.19]
    assert runtime["confidence"] == pytest.approx(1 - 1 / 70)


def test_caps_keep_the_strongest_pairs_per_aspect() -> None:
    solutions = [solution("ref")] + [solution(f"m{i}", "mutant") for i in range(6)]
    records = [record("ref")] + [
        record(f"m{i}", status="WRONG_ANSWER", cpu=(0.01,), memory=(1000,), passed=0)
        for i in range(6)
    ]
    rows = pair_problem(PROBLEM, solutions, records, PairingConfig(max_pairs_per_aspect=2))
    assert [r["aspect"] for r in rows] == [FC, FC]


def test_flaky_or_unrun_solutions_make_no_pairs() -> None:
    solutions, records = sample_records()
    rows = pair_problem(PROBLEM, solutions, records[:1], PairingConfig())
    assert rows == []


def test_pairing_config_rejects_bad_thresholds() -> None:
    with pytest.raises(ValueError, match="ratio"):
        PairingConfig(ratio=0.5)
    with pytest.raises(ValueError, match="alpha"):
        PairingConfig(alpha=1.5)


def test_equivalent_mutants_are_never_chosen() -> None:
    solutions = [
        solution("ref", "reference"),
        solution("same", "mutant"),
        solution("bad", "mutant"),
    ]
    records = [
        record("ref"),
        record("same"),  # passes every test: an equivalent mutant
        record("bad", status="WRONG_ANSWER", cpu=(0.01,), memory=(1000,), passed=0),
    ]
    rows = pair_problem(PROBLEM, solutions, records, PairingConfig())
    assert [sides(row) for row in rows] == [("p1/ref", "p1/bad")]


def test_smallest_p_value_explains_the_repeat_floor() -> None:
    from curation.steps.pairs.executions import smallest_p_value

    assert smallest_p_value(3) == pytest.approx(1 / 20)  # cannot beat alpha = 0.05
    assert smallest_p_value(5) == pytest.approx(1 / 252)
    assert PairingConfig().min_repeats == 4
    perfect = efficiency_test("cpu_s", [1.0, 1.1, 1.2], [9.0, 9.1, 9.2], 2.0, 0.05, min_repeats=3)
    assert perfect is not None and not perfect.significant
    # 4 left once the costliest is set aside: 5 repeats by default, 6 at alpha 0.01.
    assert PairingConfig().repeats_needed == 5
    assert PairingConfig(alpha=0.01).repeats_needed == 6
    assert PairingConfig(discard_costliest=0).repeats_needed == 4


def _rated(name: str, passed: int, status: str, origin: str = "llm") -> tuple:
    record = ExecutionRecord(f"p1/{name}", "p1", "process", status, passed, 10, 1, (0.01,))
    return solution(name, origin), record


def test_correctness_margin_pairs_candidates_by_pass_rate_gap() -> None:
    rated = [
        _rated("all", 10, "OK"),
        _rated("most", 9, "WRONG_ANSWER"),
        _rated("half", 5, "WRONG_ANSWER"),
        _rated("none", 0, "RUNTIME_ERROR"),
        _rated("nocompile", 0, "COMPILE_ERROR"),
        _rated("bad", 1, "WRONG_ANSWER", "mutant"),
    ]
    solutions, records = [s for s, _ in rated], [r for _, r in rated]

    def fc_pairs(config: PairingConfig) -> set[tuple[str, str]]:
        rows = pair_problem(PROBLEM, solutions, records, config)
        return {
            (
                json.loads(r["evidence"])["chosen"]["solution_id"][3:],
                json.loads(r["evidence"])["rejected"]["solution_id"][3:],
            )
            for r in rows
            if r["aspect"] == FC
        }

    # Default: the chosen side passes every test, the rejected side fails one.
    assert fc_pairs(PairingConfig(max_pairs_per_aspect=10)) == {
        ("all", "most"),
        ("all", "half"),
        ("all", "none"),
        ("all", "bad"),
    }
    # A margin of 0.4: pass rates differ by >= 0.4; a mutant is never chosen.
    assert fc_pairs(PairingConfig(correctness_margin=0.4, max_pairs_per_aspect=10)) == {
        ("all", "half"),
        ("all", "none"),
        ("all", "bad"),
        ("most", "half"),
        ("most", "none"),
        ("most", "bad"),
        ("half", "none"),
        ("half", "bad"),
    }
    # k caps the pairs per problem, hardest negatives first.
    capped = fc_pairs(PairingConfig(correctness_margin=0.4, max_pairs_per_aspect=2))
    assert len(capped) == 2 and all(rejected == "half" for _, rejected in capped)
    with pytest.raises(ValueError, match="correctness_margin"):
        PairingConfig(correctness_margin=0.0)
