from __future__ import annotations

import json
from pathlib import Path

import pytest

from curation.readers.stdio_jsonl import read_stdio_jsonl
from curation.readers.tables import TableReadError

FIXTURE = Path(__file__).parent / "fixtures" / "stdio.jsonl"


def test_problems_per_language_share_tests_checker_and_group() -> None:
    found = read_stdio_jsonl(FIXTURE)
    assert [(p.id, p.language, p.checker, p.group) for p in found.problems] == [
        ("mean/Python", "Python", "float:1e-6", "mean"),
        ("mean/Cpp", "Cpp", "float:1e-6", "mean"),
        ("pair-any-order/Python", "Python", "program:Python", "pair-any-order"),
    ]
    assert "sorted(open(act)" in found.problems[2].checker_code
    assert [(s.id, s.origin, s.meta) for s in found.solutions[:2]] == [
        ("mean/Python/ref0", "reference", None),
        ("mean/Python/wrong1", "human", '{"kind": "incorrect_submission"}'),
    ]
    assert found.dropped == {"solution_in_unlisted_language": 1}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "a", "prompt": "p", "languages": ["Python"]}, "needs 'tests'"),
        (
            {
                "id": "a",
                "prompt": "p",
                "languages": ["Kotlin"],
                "tests": [{"input": "", "output": ""}],
            },
            "Kotlin",
        ),
        (
            {
                "id": "a",
                "prompt": "p",
                "languages": ["Python"],
                "checker": "float",
                "tests": [{"input": "", "output": ""}],
            },
            "checker",
        ),
    ],
)
def test_bad_rows_name_the_file_and_row(tmp_path: Path, row: dict, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(TableReadError, match=f"bad.jsonl, row 0: .*{message}"):
        read_stdio_jsonl(path)
