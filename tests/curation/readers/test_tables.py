from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.readers import (
    TableReadError,
    problems_table,
    read_problems,
    read_solutions,
    solutions_table,
)
from sandbox.api import HARNESS
from sandbox.api import TestCase as Case
from sandbox.checkers import FloatChecker


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_jsonl_aliases_are_normalised(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "problems.jsonl",
        [
            {
                "task_id": "a",
                "subset": "contest",
                "language": "C++",
                "input": "Add two numbers.",
                "tests": [{"input": "1 2\n", "output": "3\n"}],
            },
            {"id": "b", "language": "py", "prompt": "f", "harness": "assert f() == 1\n"},
        ],
    )
    first, second = read_problems(path)
    assert (first.id, first.source, first.language, first.prompt) == (
        "a",
        "contest",
        "Cpp",
        "Add two numbers.",
    )
    assert first.tests == (Case("1 2\n", "3\n"),)
    assert first.test_cases == first.tests
    assert second.is_harness and second.test_cases == (HARNESS,)
    assert second.program("def f():\n    return 1\n").source == (
        "def f():\n    return 1\n\nassert f() == 1\n"
    )


def test_parquet_round_trip(tmp_path: Path) -> None:
    problems = read_problems(
        write_jsonl(
            tmp_path / "p.jsonl",
            [
                {
                    "id": "a",
                    "language": "Go",
                    "prompt": "p",
                    "tests": [{"stdin": "", "expected_stdout": "x\n"}],
                    "limits": {"time_s": 1.5, "memory_mb": 64},
                }
            ],
        )
    )
    pq.write_table(problems_table(problems), tmp_path / "p.parquet")
    again = read_problems(tmp_path / "p.parquet")
    assert again == problems
    assert again[0].limits is not None and again[0].limits.time_s == 1.5


def test_solutions_accept_meta_objects_and_gzip(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(
            json.dumps(
                {"id": "s", "problem_id": "a", "language": "C#", "code": "x", "meta": {"k": 1}}
            )
            + "\n"
        )
    (solution,) = read_solutions(path)
    assert (solution.language, solution.origin, solution.meta) == ("CSharp", "human", '{"k": 1}')
    assert solutions_table([solution]).num_rows == 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"id": "a", "language": "Kotlin", "prompt": "p", "harness": "h"},
            "row 1: unknown language",
        ),
        ({"id": "a", "language": "C", "prompt": "p"}, "row 1: a problem needs"),
        (
            {"id": "a", "language": "C", "prompt": " ", "harness": "h"},
            "row 1: missing or empty 'prompt'",
        ),
        (
            {"id": "a", "language": "C", "prompt": "p", "tests": [{"stdin": "1"}]},
            "row 1: test 0 has no expected_stdout",
        ),
        (
            {"id": "ok", "language": "C", "prompt": "p", "harness": "h"},
            "row 1: duplicate problem id 'ok'",
        ),
    ],
)
def test_bad_problem_rows_name_file_and_row(tmp_path: Path, row: dict, message: str) -> None:
    good = {"id": "ok", "language": "C", "prompt": "p", "harness": "h"}
    path = write_jsonl(tmp_path / "bad.jsonl", [good, row])
    with pytest.raises(TableReadError, match=message) as error:
        read_problems(path)
    assert "bad.jsonl" in str(error.value)


def test_bad_solution_origin_and_json(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [{"id": "s", "problem_id": "a", "language": "C", "code": "x", "origin": "oracle"}],
    )
    with pytest.raises(TableReadError, match="row 0: origin 'oracle'"):
        read_solutions(path)
    broken = tmp_path / "broken.jsonl"
    valid = {"id": "s", "problem_id": "a", "language": "C", "code": "x"}
    broken.write_text(json.dumps(valid) + "\n{not json\n")
    with pytest.raises(TableReadError, match="line 2: invalid JSON"):
        read_solutions(broken)
    csv = tmp_path / "s.csv"
    csv.write_text("id,code\n")
    with pytest.raises(TableReadError, match="unknown format"):
        read_solutions(csv)


def test_the_checker_column_is_read_validated_and_attached_to_every_test(tmp_path: Path) -> None:
    row = {"id": "f", "language": "Python", "prompt": "p", "tests": [{"input": "", "output": "1"}]}
    path = write_jsonl(tmp_path / "p.jsonl", [{**row, "checker": "float:1e-6"}])
    [problem] = read_problems(path)
    assert problem.checker == "float:1e-6"
    assert [case.checker for case in problem.test_cases] == [FloatChecker(1e-6)]
    assert problems_table([problem]).column("checker").to_pylist() == ["float:1e-6"]
    [plain] = read_problems(write_jsonl(tmp_path / "q.jsonl", [row]))
    assert plain.checker is None and plain.test_cases[0].checker is None
    for checker, message in [
        ("float:x", r"row 0: checker 'float:x'"),
        ("program:Python", "row 0: .*checker_code"),
    ]:
        bad = write_jsonl(tmp_path / "bad.jsonl", [{**row, "checker": checker}])
        with pytest.raises(TableReadError, match=message):
            read_problems(bad)
