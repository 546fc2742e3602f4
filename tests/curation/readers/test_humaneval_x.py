from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from curation.readers import TableReadError, read_humaneval_x
from curation.readers.humaneval_x import language_of_task, python_entry_point


@pytest.mark.parametrize(
    ("name", "language"), [("cpp", "Cpp"), ("java", "Java"), ("python", "Python")]
)
def test_reads_all_164_problems(shared_data: Path, name: str, language: str) -> None:
    problems, solutions = read_humaneval_x(shared_data / "humaneval-x" / f"{name}.jsonl.gz")
    assert len(problems) == len(solutions) == 164
    assert {p.language for p in problems} == {language}
    assert all(p.is_harness and p.source == "humaneval-x" for p in problems)
    assert all(
        s.origin == "reference" and s.code.startswith(p.prompt)
        for p, s in zip(problems, solutions, strict=True)
    )
    program = problems[0].program(solutions[0].code)
    if language == "Python":
        assert program.source.rstrip().endswith("check(has_close_elements)")
    elif language == "Java":
        assert "public class Main" in program.source and "class Solution" in program.source
    else:
        assert "int main()" in program.source


def test_python_entry_point_is_the_last_definition(shared_data: Path) -> None:
    problems, _ = read_humaneval_x(shared_data / "humaneval-x" / "python.jsonl.gz")
    assert problems[38].entry_point == "decode_cyclic"  # encode_cyclic is a helper before it
    assert python_entry_point("x = 1\n") is None


def test_language_comes_from_the_task_id(tmp_path: Path) -> None:
    assert language_of_task("CPP/3") == "Cpp"
    assert language_of_task("JavaScript/0") == "JavaScript"
    path = tmp_path / "rust.jsonl.gz"
    with gzip.open(path, "wt") as handle:
        row = {"task_id": "Rust/0", "prompt": "fn f()", "canonical_solution": "{}", "test": ""}
        handle.write(json.dumps(row) + "\n")
    with pytest.raises(TableReadError, match="row 0: task_id 'Rust/0'"):
        read_humaneval_x(path)


def test_missing_fields_are_named(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"task_id": "Python/0", "prompt": "def f():\n"}) + "\n")
    with pytest.raises(TableReadError, match="row 0: missing canonical_solution, test"):
        read_humaneval_x(path)


def test_python_harness_calls_check_exactly_once() -> None:
    from curation.readers.humaneval_x import harness_for

    bare = "def check(f):\n    assert f(1)\n"
    assert harness_for("Python", bare, "f") == "def check(f):\n    assert f(1)\n\ncheck(f)\n"
    called = bare + "\ncheck(f)"
    assert harness_for("Python", called, "f") == called


FIXTURE_ROWS = Path(__file__).parents[2] / "sandbox" / "humaneval_x_js_go.jsonl"


def test_javascript_and_go_rows_compose_their_programs() -> None:
    problems, solutions = read_humaneval_x(FIXTURE_ROWS)
    assert [p.language for p in problems] == ["JavaScript", "JavaScript", "Go", "Go"]
    javascript = problems[0].program(solutions[0].code).source
    assert javascript.startswith("/* Sum of the squares")
    assert javascript.rstrip().endswith("testSumSquares()")
    go = problems[2].program(solutions[2].code).source
    # One package clause, one import block of exactly what the code and the test use.
    assert go.startswith('package main\n\nimport (\n    "testing"\n')
    assert go.count("package main") == 1 and go.count("import (") == 1
    block = go.split("import (\n", 1)[1].split(")", 1)[0].split()
    assert block == ['"testing"', '"github.com/stretchr/testify/assert"', '"strings"']
    assert "func TestCountCapitalized(t *testing.T)" in go
    assert '"strings"' not in problems[3].program(solutions[3].code).source


def test_a_go_body_that_no_longer_uses_a_package_drops_its_import() -> None:
    from curation.readers.humaneval_x import solution_code
    from curation.readers.tables import iter_rows

    row = list(iter_rows(FIXTURE_ROWS))[2]
    assert '"strings"' in solution_code("Go", row, row["canonical_solution"])
    assert '"strings"' not in solution_code("Go", row, "    return 0\n}\n")


def test_a_go_row_without_its_test_setup_is_named(tmp_path: Path) -> None:
    path = tmp_path / "go.jsonl"
    row = {"task_id": "Go/7", "prompt": "func F() int {\n", "canonical_solution": "", "test": ""}
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(TableReadError, match="row 0: Go row Go/7 has no test_setup"):
        read_humaneval_x(path)
