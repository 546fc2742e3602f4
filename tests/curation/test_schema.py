from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.schema import (
    CRB_PAIRS,
    PAIRS,
    SCHEMAS,
    SchemaValidationError,
    find_problems,
    from_rows,
    validate,
)


def pair_row(**overrides: object) -> dict:
    row = {
        "id": "p1",
        "prompt": "Sum two numbers.",
        "chosen": "def add(a, b):\n    return a + b\n",
        "rejected": "def add(a, b):\n    return a - b\n",
        "language": "Python",
        "aspect": "Functional_Correctness",
        "source": "sample",
        "label_method": "execution",
        "confidence": 1.0,
        "system": None,
        "evidence": '{"executions": ["s1", "s2"]}',
        "split": "train",
    }
    row.update(overrides)
    return row


def test_every_table_of_the_design_has_a_schema() -> None:
    assert set(SCHEMAS) >= {"commits", "problems", "solutions", "executions", "judgements", "pairs"}
    assert CRB_PAIRS.names == ["id", "prompt", "chosen", "rejected", "language", "aspect", "subset"]


def test_valid_rows_round_trip_through_parquet(tmp_path) -> None:
    table = from_rows([pair_row(), pair_row(id="p2", aspect="Security_Hardness")], PAIRS)
    pq.write_table(table, tmp_path / "pairs.parquet", compression="zstd")
    back = pq.read_table(tmp_path / "pairs.parquet")
    assert validate(back, PAIRS).to_pylist() == table.to_pylist()


def test_problems_name_column_and_row() -> None:
    rows = [pair_row(), pair_row(id="p2"), pair_row(id="p3", language="Kotlin")]
    table = pa.Table.from_pylist(rows)
    problems = find_problems(table, PAIRS)
    assert [str(p) for p in problems] == [
        "column 'language', row 2: 'Kotlin' is not one of "
        "C, CSharp, Cpp, Go, Java, JavaScript, Python, Ruby"
    ]


def test_nulls_in_required_columns_and_missing_columns() -> None:
    table = pa.Table.from_pylist([pair_row(), pair_row(chosen=None)]).drop_columns(["split"])
    table = table.drop_columns(["aspect"])
    with pytest.raises(SchemaValidationError) as raised:
        validate(table, PAIRS, name="pairs.parquet")
    message = str(raised.value)
    assert message.startswith("pairs.parquet does not match its schema")
    assert "column 'chosen', row 1: null in a required column" in message
    assert "column 'aspect': missing" in message
    assert "split" not in message  # a missing nullable column reads as nulls
    assert len(raised.value.problems) == 2


def test_missing_nullable_columns_are_filled_with_nulls() -> None:
    table = pa.Table.from_pylist([pair_row()]).drop_columns(["system", "split"])
    out = validate(table, PAIRS)
    assert out.column("system").to_pylist() == [None]
    assert out.column("split").to_pylist() == [None]


def test_types_that_do_not_cast_are_reported() -> None:
    table = pa.Table.from_pylist([pair_row(confidence="high")])
    problems = find_problems(table, PAIRS)
    assert [(p.column, p.row) for p in problems] == [("confidence", None)]


def test_validate_casts_and_orders_columns() -> None:
    row = pair_row(confidence=1)
    table = pa.Table.from_pylist([dict(reversed(list(row.items()))) | {"extra": 1}])
    out = validate(table, PAIRS)
    assert out.schema.equals(PAIRS, check_metadata=False)
    assert out.column("confidence").to_pylist() == [1.0]
