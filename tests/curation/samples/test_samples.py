"""The bundled sample set is what it claims: checked by running it in the sandbox."""

from __future__ import annotations

import json
import statistics
from collections import Counter

import pytest

from curation.languages import LANGUAGE_NAMES
from curation.samples import VARIANTS, load_samples
from sandbox import Job, Limits, open_sandbox


def test_five_problems_per_language_with_four_variants() -> None:
    problems, solutions = load_samples()
    assert Counter(p.language for p in problems) == {name: 5 for name in LANGUAGE_NAMES}
    variants = Counter((s.problem_id, json.loads(s.meta or "{}")["variant"]) for s in solutions)
    assert set(variants.values()) == {1}
    assert {variant for _, variant in variants} == set(VARIANTS)
    assert len(solutions) == 4 * len(problems)
    harness = {p.language for p in problems if p.is_harness}
    assert harness == {"Python", "JavaScript", "Ruby"}
    assert all(len(p.tests) == 1 for p in problems if not p.is_harness)


def test_language_filter() -> None:
    problems, solutions = load_samples(("Go",))
    assert {p.language for p in problems} == {"Go"}
    assert len(solutions) == 20


@pytest.mark.slow
def test_every_sample_solution_behaves_as_labelled() -> None:
    """fast/slow/memory pass and wrong fails; slow costs several times fast's CPU, and
    memory peaks at several times fast's memory, in every problem of every language."""
    problems, solutions = load_samples()
    by_id = {p.id: p for p in problems}
    jobs = [
        Job(by_id[s.problem_id].program(s.code), by_id[s.problem_id].test_cases) for s in solutions
    ]
    # Wall-clock deadlines far above the slow solutions' CPU time: on a loaded machine a
    # slow solution must still finish, since CPU time, not the clock, is what is compared.
    limits = Limits(time_s=60.0, memory_mb=512, compile_time_s=300.0)
    with open_sandbox("process", workers=2, limits=limits) as sandbox:
        results = sandbox.run_many(jobs, workers=2, progress=False)
    measured: dict[str, dict[str, tuple[float, int]]] = {}
    failures = []
    for solution, result in zip(solutions, results, strict=True):
        variant = json.loads(solution.meta or "{}")["variant"]
        if result.passed != (variant != "wrong"):
            failures.append(f"{solution.id}: {result.status} {result.stderr_tail[-300:]}")
        measured.setdefault(solution.problem_id, {})[variant] = (
            result.cpu_s,
            result.peak_memory_kb or 0,
        )
    assert not failures, failures
    cpu_ratios, memory_ratios = [], []
    for problem_id, variants in measured.items():
        fast_cpu, fast_memory = variants["fast"]
        cpu_ratios.append((variants["slow"][0] / max(fast_cpu, 1e-4), problem_id))
        memory_ratios.append((variants["memory"][1] / max(fast_memory, 1), problem_id))
    # Single runs, so a margin: the pipeline's own test asks for 2x with significance.
    assert min(cpu_ratios)[0] >= 2.5, sorted(cpu_ratios)[:5]
    assert min(memory_ratios)[0] >= 2.5, sorted(memory_ratios)[:5]
    assert statistics.median(r for r, _ in cpu_ratios) >= 4
