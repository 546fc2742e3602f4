"""Arrow schemas of every codepref table, and validation that names the bad column and row.

Tables are Parquet shards that ``datasets``, polars and DuckDB read as they are, so the
schemas use plain Arrow types (strings, integers, floats, lists and structs; no extension
types). Lineage columns (``evidence``, ``problem_id``, ``solution_id``, ``pair_id``) let a
reader walk from a pair back to the commit or problem, executions and votes behind it.

``validate`` is meant for the edges of the system: a reader calls it on user-supplied
Parquet so that a wrong file fails with "column 'language', row 17: 'Kotlin' is not one
of ..." instead of a stack trace three stages later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from curation.criteria import ASPECTS
from curation.languages import LANGUAGE_NAMES
from curation.pairs.system import SYSTEM_MODES

LABEL_METHODS: tuple[str, ...] = ("execution", "judge", "commit", "inherited")
SPLITS: tuple[str, ...] = ("train", "validation", "test")
SOLUTION_ORIGINS: tuple[str, ...] = ("human", "llm", "mutant", "reference")
EXECUTION_STATUSES: tuple[str, ...] = (
    "OK",
    "WRONG_ANSWER",
    "RUNTIME_ERROR",
    "COMPILE_ERROR",
    "TIMEOUT",
    "MEMORY_LIMIT",
    "OUTPUT_LIMIT",
    "SANDBOX_ERROR",
)

_str = pa.string()

COMMITS = pa.schema(
    [
        pa.field("id", _str, nullable=False),
        pa.field("repo", _str, nullable=False),
        pa.field("commit", _str, nullable=False),
        pa.field("parent", _str, nullable=False),
        pa.field("path", _str, nullable=False),
        pa.field("language", _str, nullable=False),
        pa.field("subject", _str),
        pa.field("message", _str),
        pa.field("license", _str),
        pa.field("committed_at", pa.timestamp("s", tz="UTC")),
        pa.field("old_contents", _str, nullable=False),
        pa.field("new_contents", _str, nullable=False),
        pa.field("diff", _str),
        pa.field("aspects", pa.list_(_str)),
    ]
)

TEST_CASE = pa.struct([("stdin", _str), ("expected_stdout", _str)])

LIMITS = pa.struct(
    [
        ("time_s", pa.float64()),
        ("memory_mb", pa.int64()),
        ("output_kb", pa.int64()),
        ("pids", pa.int64()),
        ("compile_time_s", pa.float64()),
    ]
)

PROBLEMS = pa.schema(
    [
        pa.field("id", _str, nullable=False),
        pa.field("source", _str, nullable=False),
        pa.field("language", _str, nullable=False),
        pa.field("prompt", _str, nullable=False),
        pa.field("tests", pa.list_(TEST_CASE)),
        pa.field("harness", _str),
        pa.field("entry_point", _str),
        pa.field("limits", LIMITS),
        pa.field("group", _str),
        # sandbox/checkers.py: exact, whitespace (null), tokens, float:<tol>, program:<Lang>
        pa.field("checker", _str),
        pa.field("checker_code", _str),
    ]
)

SOLUTIONS = pa.schema(
    [
        pa.field("id", _str, nullable=False),
        pa.field("problem_id", _str, nullable=False),
        pa.field("language", _str, nullable=False),
        pa.field("code", _str, nullable=False),
        pa.field("origin", _str, nullable=False),
        pa.field("meta", _str),
    ]
)

EXECUTIONS = pa.schema(
    [
        pa.field("solution_id", _str, nullable=False),
        pa.field("problem_id", _str, nullable=False),
        pa.field("backend", _str, nullable=False),
        pa.field("image", _str),
        pa.field("status", _str, nullable=False),
        pa.field("tests_passed", pa.int64(), nullable=False),
        pa.field("tests_total", pa.int64(), nullable=False),
        pa.field("compile_s", pa.float64()),
        pa.field("wall_s", pa.list_(pa.float64())),
        pa.field("cpu_s", pa.list_(pa.float64())),
        pa.field("peak_memory_kb", pa.list_(pa.int64())),
        pa.field("instructions", pa.list_(pa.int64())),
        pa.field("repeats", pa.int64(), nullable=False),
        pa.field("stdout_tail", _str),
        pa.field("stderr_tail", _str),
    ]
)

# Per problem: how well its tests separate known-correct from known-wrong solutions.
TEST_QUALITY = pa.schema(
    [
        pa.field("problem_id", _str, nullable=False),
        pa.field("language", _str, nullable=False),
        pa.field("tests", pa.int64(), nullable=False),
        # Model-written inputs kept as tests, and dropped (references failed or disagreed).
        pa.field("tests_generated", pa.int64()),
        pa.field("inputs_dropped", pa.int64()),
        pa.field("positives", pa.int64(), nullable=False),
        pa.field("negatives", pa.int64(), nullable=False),
        pa.field("tpr", pa.float64()),
        pa.field("tnr", pa.float64()),
        pa.field("candidates", pa.int64()),
        pa.field("extraction_failures", pa.int64()),
        pa.field("pairs", pa.int64()),
        pa.field("pairs_dropped", pa.int64()),
    ]
)

VOTES = pa.struct(
    [("chosen", pa.int64()), ("rejected", pa.int64()), ("tie", pa.int64()), ("error", pa.int64())]
)

JUDGEMENTS = pa.schema(
    [
        pa.field("pair_id", _str, nullable=False),
        pa.field("judge", _str, nullable=False),
        pa.field("aspect", _str, nullable=False),
        pa.field("votes", VOTES),
        pa.field("rating", pa.float64()),
        pa.field("order", _str),
        pa.field("rationales", pa.list_(_str)),
        pa.field("raw_responses", pa.list_(_str)),
    ]
)

PAIRS = pa.schema(
    [
        pa.field("id", _str, nullable=False),
        pa.field("prompt", _str, nullable=False),
        pa.field("chosen", _str, nullable=False),
        pa.field("rejected", _str, nullable=False),
        pa.field("language", _str, nullable=False),
        pa.field("aspect", _str, nullable=False),
        pa.field("source", _str, nullable=False),
        pa.field("label_method", _str, nullable=False),
        pa.field("confidence", pa.float64()),
        pa.field("system", _str),
        # none / aspect / all (curation.pairs.system): a null ``system`` with kind ``none``
        # means "no system prompt", which readers honour instead of drawing again.
        pa.field("system_kind", _str),
        pa.field("evidence", _str),
        pa.field("split", _str),
    ]
)

# The published Themis-CodeRewardBench layout, which bench/ reads and writes.
CRB_PAIRS = pa.schema(
    [
        pa.field("id", _str, nullable=False),
        pa.field("prompt", _str, nullable=False),
        pa.field("chosen", _str, nullable=False),
        pa.field("rejected", _str, nullable=False),
        pa.field("language", _str, nullable=False),
        pa.field("aspect", _str, nullable=False),
        pa.field("subset", _str, nullable=False),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "commits": COMMITS,
    "problems": PROBLEMS,
    "solutions": SOLUTIONS,
    "executions": EXECUTIONS,
    "test_quality": TEST_QUALITY,
    "judgements": JUDGEMENTS,
    "pairs": PAIRS,
    "crb_pairs": CRB_PAIRS,
}

# Columns whose values must come from a closed vocabulary, wherever they appear.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "language": LANGUAGE_NAMES,
    "aspect": ASPECTS,
    "label_method": LABEL_METHODS,
    "status": EXECUTION_STATUSES,
    "origin": SOLUTION_ORIGINS,
    "split": SPLITS,
    "system_kind": SYSTEM_MODES,
}


@dataclass(frozen=True)
class SchemaProblem:
    """One thing wrong with a table: the column, the first offending row, and what."""

    column: str
    row: int | None
    message: str

    def __str__(self) -> str:
        where = f"column {self.column!r}" + (f", row {self.row}" if self.row is not None else "")
        return f"{where}: {self.message}"


class SchemaValidationError(ValueError):
    """A table does not match its schema; ``problems`` lists every finding."""

    def __init__(self, name: str, problems: list[SchemaProblem]) -> None:
        self.problems = problems
        listed = "\n  ".join(str(problem) for problem in problems)
        super().__init__(f"{name} does not match its schema:\n  {listed}")


def find_problems(table: pa.Table, schema: pa.Schema) -> list[SchemaProblem]:
    """Every mismatch between ``table`` and ``schema``: missing columns, types that do not
    cast, nulls in required columns and values outside the closed vocabularies.
    Extra columns are allowed (readers keep what they do not know), and so is a missing
    nullable column (it reads as all nulls)."""
    problems: list[SchemaProblem] = []
    for field in schema:
        if field.name not in table.column_names:
            if not field.nullable:
                problems.append(SchemaProblem(field.name, None, f"missing (expected {field.type})"))
            continue
        column = table.column(field.name)
        if not column.type.equals(field.type):
            try:
                column = column.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
                problems.append(
                    SchemaProblem(
                        field.name,
                        None,
                        f"type {column.type} does not cast to {field.type}: {error}",
                    )
                )
                continue
        if not field.nullable and column.null_count:
            row = _first_row(pc.is_null(column))
            problems.append(SchemaProblem(field.name, row, "null in a required column"))
        vocabulary = VOCABULARIES.get(field.name)
        if vocabulary is not None and pa.types.is_string(field.type):
            outside = pc.and_(
                pc.invert(pc.is_in(column, value_set=pa.array(vocabulary))),
                pc.is_valid(column),
            )
            if pc.any(outside).as_py():
                row = _first_row(outside)
                value = column[row].as_py()
                problems.append(
                    SchemaProblem(
                        field.name, row, f"{value!r} is not one of {', '.join(vocabulary)}"
                    )
                )
    return problems


def validate(table: pa.Table, schema: pa.Schema, name: str = "table") -> pa.Table:
    """Check ``table`` against ``schema`` and return it cast to the schema's types and
    column order (extra columns dropped, missing nullable columns added as nulls).
    Raises :class:`SchemaValidationError`."""
    problems = find_problems(table, schema)
    if problems:
        raise SchemaValidationError(name, problems)
    for field in schema:
        if field.name not in table.column_names:
            table = table.append_column(field.name, pa.nulls(table.num_rows, field.type))
    return table.select(schema.names).cast(schema)


def _first_row(mask: pa.ChunkedArray | pa.Array) -> int:
    indices = pc.indices_nonzero(
        mask.combine_chunks() if isinstance(mask, pa.ChunkedArray) else mask
    )
    return int(indices[0].as_py())


def from_rows(rows: Iterable[dict], schema: pa.Schema, name: str = "rows") -> pa.Table:
    """Build a table from dict rows, validated against ``schema``."""
    return validate(pa.Table.from_pylist(list(rows), schema=schema), schema, name)
