"""Readers of problems and solutions: generic Parquet/JSONL tables and HumanEval-X."""

from __future__ import annotations

from curation.readers.humaneval_x import read_humaneval_x
from curation.readers.records import Problem, Solution
from curation.readers.tables import (
    TableReadError,
    problems_table,
    read_problems,
    read_solutions,
    solutions_table,
)

__all__ = [
    "Problem",
    "Solution",
    "TableReadError",
    "problems_table",
    "read_humaneval_x",
    "read_problems",
    "read_solutions",
    "solutions_table",
]
