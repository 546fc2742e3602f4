from __future__ import annotations

import json
from pathlib import Path

import pytest

from curation.readers.codecontests import read_codecontests
from curation.readers.tables import TableReadError

FIXTURE = Path(__file__).parent / "fixtures" / "codecontests.jsonl"


def test_one_problem_per_language_with_all_test_sets_and_limits() -> None:
    found = read_codecontests(FIXTURE)
    assert [p.id for p in found.problems] == [
        "1000_A. Sum/Cpp",
        "1000_A. Sum/Java",
        "1000_A. Sum/Python",
    ]
    cpp = found.problems[0]
    # public + private + generated, minus the generated test without output.
    assert [(t.stdin, t.expected_stdout) for t in cpp.tests] == [
        ("1 2\n", "3\n"),
        ("10 -3\n", "7\n"),
        ("0 0\n", "0\n"),
    ]
    assert cpp.limits.time_s == 2.5 and cpp.limits.memory_mb == 256
    assert {p.group for p in found.problems} == {"1000_A. Sum"}
    kinds = {s.id: json.loads(s.meta)["kind"] if s.meta else None for s in found.solutions}
    assert kinds == {
        "1000_A. Sum/Python/correct/0": None,
        "1000_A. Sum/Cpp/correct/1": None,
        "1000_A. Sum/Java/correct/3": None,
        "1000_A. Sum/Python/incorrect/0": "incorrect_submission",
        "1000_A. Sum/Cpp/incorrect/1": "incorrect_submission",
    }
    assert found.dropped == {"python2_solution": 1, "test_without_output": 1}


def test_a_row_without_description_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "cc.jsonl"
    path.write_text(json.dumps({"name": "x"}) + "\n")
    with pytest.raises(TableReadError, match=r"cc.jsonl, row 0: .*description"):
        read_codecontests(path)
