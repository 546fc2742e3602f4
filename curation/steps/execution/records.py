"""Execution records: what the sandbox measured for one solution over its repeats.

One :class:`ExecutionRecord` is one row of the ``executions`` table. It keeps every
repeat's wall time, CPU time, peak memory and instruction count (not only a mean), because
the pairing step tests efficiency claims for significance over those repeats.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.api import RunResult, Status

_TAIL_CHARS = 2000


@dataclass(frozen=True)
class ExecutionRecord:
    """The verdict and measurements of one solution; lists hold one value per repeat."""

    solution_id: str
    problem_id: str
    backend: str
    status: str
    tests_passed: int
    tests_total: int
    repeats: int
    wall_s: tuple[float, ...] = ()
    cpu_s: tuple[float, ...] = ()
    peak_memory_kb: tuple[int, ...] = ()
    instructions: tuple[int, ...] | None = None
    compile_s: float | None = None
    image: str | None = None
    stdout_tail: str = ""
    stderr_tail: str = ""

    @property
    def passed(self) -> bool:
        """Every test passed in every repeat."""
        return self.status == Status.OK.value

    def median(self, measure: str) -> float | None:
        values = self.values(measure)
        return float(statistics.median(values)) if values else None

    def values(self, measure: str) -> tuple[float, ...]:
        """One value per repeat of ``wall_s``, ``cpu_s``, ``peak_memory_kb`` or
        ``instructions`` (empty when the backend did not measure it)."""
        if measure not in ("wall_s", "cpu_s", "peak_memory_kb", "instructions"):
            raise ValueError(f"unknown measure {measure!r}")
        values = getattr(self, measure)
        return tuple(float(value) for value in values) if values else ()

    def to_row(self) -> dict[str, Any]:
        """A row of the ``executions`` table (curation/schema.py EXECUTIONS)."""
        return {
            "solution_id": self.solution_id,
            "problem_id": self.problem_id,
            "backend": self.backend,
            "image": self.image,
            "status": self.status,
            "tests_passed": self.tests_passed,
            "tests_total": self.tests_total,
            "compile_s": self.compile_s,
            "wall_s": list(self.wall_s),
            "cpu_s": list(self.cpu_s),
            "peak_memory_kb": list(self.peak_memory_kb),
            "instructions": None if self.instructions is None else list(self.instructions),
            "repeats": self.repeats,
            "stdout_tail": self.stdout_tail,
            "stderr_tail": self.stderr_tail,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ExecutionRecord:
        instructions = row.get("instructions")
        return cls(
            solution_id=row["solution_id"],
            problem_id=row["problem_id"],
            backend=row["backend"],
            status=row["status"],
            tests_passed=int(row["tests_passed"]),
            tests_total=int(row["tests_total"]),
            repeats=int(row["repeats"]),
            wall_s=tuple(row.get("wall_s") or ()),
            cpu_s=tuple(row.get("cpu_s") or ()),
            peak_memory_kb=tuple(row.get("peak_memory_kb") or ()),
            instructions=None if instructions is None else tuple(instructions),
            compile_s=row.get("compile_s"),
            image=row.get("image"),
            stdout_tail=row.get("stdout_tail") or "",
            stderr_tail=row.get("stderr_tail") or "",
        )


def record_from_runs(
    solution_id: str, problem_id: str, tests_total: int, runs: Sequence[RunResult]
) -> ExecutionRecord:
    """Fold the repeats of one solution into a record.

    A solution counts as passing only when every repeat passed: a repeat that times out
    under load makes the verdict unstable, and an unstable verdict must not label a pair.
    The status is then the first failing repeat's, and ``tests_passed`` the minimum.
    """
    if not runs:
        raise ValueError(f"{solution_id}: no runs to record")
    failing = [run for run in runs if not run.passed]
    verdict = failing[0] if failing else runs[0]
    instructions = [run.instructions for run in runs]
    return ExecutionRecord(
        solution_id=solution_id,
        problem_id=problem_id,
        backend=runs[0].backend,
        image=runs[0].image or None,
        status=verdict.status.value,
        tests_passed=min(run.tests_passed for run in runs),
        tests_total=tests_total,
        repeats=len(runs),
        compile_s=runs[0].compile_s,
        wall_s=tuple(run.wall_s for run in runs),
        cpu_s=tuple(run.cpu_s for run in runs),
        peak_memory_kb=tuple(run.peak_memory_kb for run in runs if run.peak_memory_kb is not None),
        instructions=None
        if any(value is None for value in instructions)
        else tuple(value for value in instructions if value is not None),
        stdout_tail=verdict.stdout_tail[-_TAIL_CHARS:],
        stderr_tail=verdict.stderr_tail[-_TAIL_CHARS:],
    )
