"""How good a problem's test suite is, measured on solutions whose correctness is known.

- true positive rate (TPR): the share of trusted solutions (``reference``, and ``human``
  ones not marked wrong) that pass every test; below 1 the tests (or the checker) reject
  correct code;
- true negative rate (TNR): the share of known-wrong solutions (mutants, LLM-planted bugs,
  rejected submissions) that fail a test; below 1 the suite lets wrong code through, and
  a correctness pair from it may have a wrong chosen side.

Solutions that did not compile or hit a sandbox error say nothing about the tests and are
left out of both rates; a rate with no solution to measure it is ``None``. With
``min_tnr`` set, the pairs of a problem whose TNR is below it, or unknown, are dropped and
counted; the row of the ``test_quality`` table records both rates and what was dropped,
and every kept pair's evidence carries its suite's ``test_suite`` (tests, TPR, TNR), from
which the dataset card reports the distribution.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.readers.records import Problem, Solution
from curation.schema import PROBLEMS, TEST_QUALITY, from_rows
from curation.steps.execution.documents import executions_of, problem_of, solutions_of
from curation.steps.execution.records import ExecutionRecord
from curation.steps.pairs.executions import FAILING_STATUSES, PairingConfig

_UNINFORMATIVE = frozenset({"COMPILE_ERROR", "SANDBOX_ERROR"})


def is_known_wrong(solution: Solution, pairing: PairingConfig) -> bool:
    return (
        solution.origin in pairing.rejected_only_origins
        or solution.kind in pairing.rejected_only_kinds
    )


def is_trusted(solution: Solution, pairing: PairingConfig) -> bool:
    return solution.origin in ("reference", "human") and not is_known_wrong(solution, pairing)


def suite_quality(
    problem: Problem,
    solutions: Sequence[Solution],
    executions: Sequence[ExecutionRecord],
    pairing: PairingConfig,
) -> dict[str, Any]:
    """One row of the ``test_quality`` table (pair counts filled in by the step)."""
    by_id = {record.solution_id: record for record in executions}
    positives = negatives = true_positives = true_negatives = 0
    for solution in solutions:
        record = by_id.get(solution.id)
        if record is None or record.status in _UNINFORMATIVE:
            continue
        if is_trusted(solution, pairing):
            positives += 1
            true_positives += record.passed
        elif is_known_wrong(solution, pairing):
            negatives += 1
            true_negatives += record.status in FAILING_STATUSES
    return {
        "problem_id": problem.id,
        "language": problem.language,
        "tests": len(problem.test_cases),
        "positives": positives,
        "negatives": negatives,
        "tpr": true_positives / positives if positives else None,
        "tnr": true_negatives / negatives if negatives else None,
        "pairs": 0,
        "pairs_dropped": 0,
    }


class MeasureTestQuality(PipelineStep):
    """Adds ``metadata["test_quality"]`` and drops the pairs of suites below ``min_tnr``."""

    name = "🎯 Test quality"
    type = "🧪 - EXECUTION"

    def __init__(self, pairing: PairingConfig, min_tnr: float | None = None) -> None:
        super().__init__()
        if min_tnr is not None and not 0.0 <= min_tnr <= 1.0:
            raise ValueError(f"min_tnr must be in [0, 1], got {min_tnr}")
        self.pairing = pairing
        self.min_tnr = min_tnr

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for document in data or ():
            row = suite_quality(
                problem_of(document),
                solutions_of(document),
                executions_of(document),
                self.pairing,
            )
            pairs = document.metadata.get("pairs", [])
            tnr = row["tnr"]
            if self.min_tnr is not None and pairs and (tnr is None or tnr < self.min_tnr):
                reason = "unknown_tnr" if tnr is None else "low_tnr"
                self.stat_update(f"pairs_dropped_{reason}", value=len(pairs))
                row["pairs_dropped"] = len(pairs)
                pairs = []
            row["pairs"] = len(pairs)
            suite = {"tests": row["tests"], "tpr": row["tpr"], "tnr": tnr}
            for pair in pairs:
                evidence = json.loads(pair["evidence"])
                evidence["test_suite"] = suite
                pair["evidence"] = json.dumps(evidence, sort_keys=True)
            document.metadata["pairs"] = pairs
            document.metadata["test_quality"] = row
            yield document


class GenerationTablesWriter(PipelineStep):
    """Writes the task's ``problems`` (with any generated tests) and ``test_quality`` rows
    to ``<out>/<table>/<rank>.parquet``."""

    name = "💾 Problems and test quality"
    type = "💽 - WRITER"

    def __init__(self, output_dir: str | Path) -> None:
        super().__init__()
        self.output_dir = Path(output_dir)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        rows: dict[str, list[dict[str, Any]]] = {"problems": [], "test_quality": []}
        for document in data or ():
            rows["problems"].append(problem_of(document).to_row())
            row = dict(document.metadata.get("test_quality") or {})
            if row:
                generated = document.metadata.get("test_generation", {})
                failures = document.metadata.get("generation_failures", {})
                row["candidates"] = sum(
                    1 for s in document.metadata["solutions"] if s["origin"] == "llm"
                )
                row["extraction_failures"] = sum(failures.values())
                row["tests_generated"] = generated.get("tests_added", 0)
                row["inputs_dropped"] = generated.get("inputs", 0) - row["tests_generated"]
                rows["test_quality"].append(row)
            yield document
        for name, schema in (("problems", PROBLEMS), ("test_quality", TEST_QUALITY)):
            path = self.output_dir / name / f"{rank:05d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(from_rows(rows[name], schema, name), path, compression="zstd")
