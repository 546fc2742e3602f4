from __future__ import annotations

import json

import pytest

from curation.readers.records import Problem, Solution
from curation.steps.execution.documents import problem_document
from curation.steps.execution.records import ExecutionRecord
from curation.steps.generation.test_quality import MeasureTestQuality, suite_quality
from curation.steps.pairs.executions import PairingConfig
from sandbox.api import TestCase

PROBLEM = Problem("p", "t", "Python", "prompt", tests=(TestCase("", "1\n"),))
WRONG = json.dumps({"kind": "incorrect_submission"})
SOLUTIONS = [
    Solution("ref", "p", "Python", "a", "reference"),
    Solution("human", "p", "Python", "b", "human"),
    Solution("mut1", "p", "Python", "c", "mutant"),
    Solution("mut2", "p", "Python", "d", "mutant"),
    Solution("bad", "p", "Python", "e", "human", WRONG),
    Solution("broken", "p", "Python", "f", "mutant"),
    Solution("cand", "p", "Python", "g", "llm"),
]
STATUS = {
    "ref": "OK",
    "human": "WRONG_ANSWER",  # the tests reject a correct solution: TPR 1/2
    "mut1": "WRONG_ANSWER",
    "mut2": "OK",  # a wrong solution gets through: TNR 2/3
    "bad": "TIMEOUT",
    "broken": "COMPILE_ERROR",  # says nothing about the tests
    "cand": "OK",  # unknown correctness: in neither rate
}


def record(solution_id: str) -> ExecutionRecord:
    status = STATUS[solution_id]
    return ExecutionRecord(solution_id, "p", "process", status, int(status == "OK"), 1, 1)


def test_tpr_and_tnr_count_only_solutions_of_known_correctness() -> None:
    row = suite_quality(PROBLEM, SOLUTIONS, [record(s.id) for s in SOLUTIONS], PairingConfig())
    assert (row["positives"], row["negatives"]) == (2, 3)
    assert row["tpr"] == 0.5 and row["tnr"] == pytest.approx(2 / 3)
    empty = suite_quality(PROBLEM, SOLUTIONS[-1:], [record("cand")], PairingConfig())
    assert empty["tpr"] is None and empty["tnr"] is None


@pytest.mark.parametrize(("min_tnr", "kept"), [(None, 2), (0.6, 2), (0.7, 0)])
def test_pairs_of_suites_below_min_tnr_are_dropped_and_counted(min_tnr, kept) -> None:
    document = problem_document(PROBLEM, SOLUTIONS)
    document.metadata["executions"] = [record(s.id).to_row() for s in SOLUTIONS]
    document.metadata["pairs"] = [{"id": i, "evidence": '{"problem_id": "p"}'} for i in "xy"]
    [out] = list(MeasureTestQuality(PairingConfig(), min_tnr).run([document]))
    assert len(out.metadata["pairs"]) == kept
    assert out.metadata["test_quality"]["pairs"] == kept
    assert out.metadata["test_quality"]["pairs_dropped"] == 2 - kept
    for pair in out.metadata["pairs"]:
        suite = json.loads(pair["evidence"])["test_suite"]
        assert suite == {"tests": 1, "tpr": 0.5, "tnr": pytest.approx(2 / 3)}
