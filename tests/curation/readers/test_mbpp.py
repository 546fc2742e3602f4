from __future__ import annotations

from pathlib import Path

from curation.readers.mbpp import read_mbpp

FIXTURES = Path(__file__).parent / "fixtures"


def test_mbpp_rows_join_setup_and_asserts_and_show_the_first_test() -> None:
    [problem] = read_mbpp(FIXTURES / "mbpp.jsonl").problems
    assert problem.id == "mbpp/11"
    assert problem.harness.count("assert remove_Occ") == 3
    assert problem.prompt.endswith('assert remove_Occ("hello","l") == "heo"')
