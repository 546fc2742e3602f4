from __future__ import annotations

from pathlib import Path

from curation.readers.humaneval_style import read_humaneval_style

FIXTURES = Path(__file__).parent / "fixtures"


def test_humaneval_rows_become_harness_problems_calling_check() -> None:
    found = read_humaneval_style(FIXTURES / "humaneval.jsonl")
    first = found.problems[0]
    assert first.entry_point == "add_all" and first.harness.endswith("\n\ncheck(add_all)\n")
    # A row without canonical_solution has a problem but no reference.
    assert [s.id for s in found.solutions] == ["Toy/0/canonical"]
    assert found.solutions[0].code.endswith("    return sum(values)\n")
