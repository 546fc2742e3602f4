from __future__ import annotations

import json
from pathlib import Path

import pytest

from curation.readers.records import Problem, Solution
from curation.steps.execution.documents import problem_document
from curation.steps.execution.tables import (
    ExecutionTablesWriter,
    mutant_rows,
    read_table,
    summarize,
)


def mutant(ident: str, operator: str, language: str = "Python") -> dict:
    return {
        "id": ident,
        "problem_id": "p",
        "language": language,
        "code": ident,
        "origin": "mutant",
        "meta": json.dumps({"operator": operator}),
    }


def test_mutant_rows_count_generated_compiled_killed_equivalent() -> None:
    solutions = [
        {
            "id": "ref",
            "problem_id": "p",
            "language": "Python",
            "code": "",
            "origin": "reference",
            "meta": None,
        },
        mutant("a", "off_by_one"),
        mutant("b", "off_by_one"),
        mutant("c", "off_by_one"),
        mutant("d", "drop_statement"),
        mutant("e", "drop_statement"),  # generated but never executed
    ]
    executions = [
        {"solution_id": "ref", "status": "OK"},
        {"solution_id": "a", "status": "WRONG_ANSWER"},
        {"solution_id": "b", "status": "OK"},
        {"solution_id": "c", "status": "COMPILE_ERROR"},
        {"solution_id": "d", "status": "TIMEOUT"},
    ]
    rows = mutant_rows(solutions, executions, {"Python": {"off_by_one": 7, "drop_statement": 2}})
    assert rows == [
        {
            "language": "Python",
            "operator": "drop_statement",
            "generated": 2,
            "executed": 1,
            "compiled": 1,
            "killed": 1,
            "equivalent": 0,
        },
        {
            "language": "Python",
            "operator": "off_by_one",
            "generated": 7,
            "executed": 3,
            "compiled": 2,
            "killed": 1,
            "equivalent": 1,
        },
    ]


def test_writer_validates_and_drops_duplicate_pairs(tmp_path: Path) -> None:
    problem = Problem("p", "unit", "Python", "prompt", harness="assert True\n")
    document = problem_document(problem, [Solution("s", "p", "Python", "x = 1\n")])
    pair = {
        "id": "0" * 32,
        "prompt": "prompt",
        "chosen": "a",
        "rejected": "b",
        "language": "Python",
        "aspect": "Functional_Correctness",
        "source": "unit",
        "label_method": "execution",
        "confidence": 1.0,
        "system": None,
        "evidence": json.dumps({"problem_id": "p"}),
        "split": "train",
    }
    document.metadata["pairs"] = [pair, dict(pair)]
    writer = ExecutionTablesWriter(tmp_path)
    assert len(list(writer([document]))) == 1  # type: ignore[arg-type]
    assert read_table(tmp_path, "pairs").num_rows == 1
    assert writer.stats["duplicate_pairs"].total == 1
    summary = summarize(tmp_path, problems=1)
    assert (summary["pairs"], summary["problems_with_pairs"], summary["solutions"]) == (1, 1, 1)

    document.metadata["pairs"] = [{**pair, "aspect": "Speed"}]
    with pytest.raises(ValueError, match="column 'aspect', row 0: 'Speed'"):
        list(ExecutionTablesWriter(tmp_path / "bad")([document]))  # type: ignore[arg-type]
