"""Record conversions (``curation/mining/records.py``)."""

from __future__ import annotations

from datetime import UTC, datetime

from curation.mining.records import (
    CommitRecord,
    commit_id,
    documents_to_table,
    from_document,
    row_to_document,
    split_message,
    to_document,
)
from curation.schema import COMMITS

RECORD = CommitRecord(
    repo="r", commit="c" * 40, parent="p" * 40, path="a.rb", language="Ruby",
    old_contents="x = 1\n", new_contents="x = 2\n", subject="Fix x", message="Fix x\n\nbody",
    license="MIT", committed_at=1_700_000_000, diff="d", aspects=["Functional_Correctness"],
)  # fmt: skip


def test_round_trips() -> None:
    doc = to_document(RECORD)
    assert doc.text == "x = 2\n" and doc.id == commit_id("r", "c" * 40, "a.rb") == RECORD.id
    assert from_document(doc) == RECORD
    table = documents_to_table([doc, to_document(CommitRecord(**{**vars(RECORD), "aspects": []}))])
    assert table.schema == COMMITS
    [row, untagged] = table.to_pylist()
    assert row["committed_at"] == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert row["id"] == RECORD.id and untagged["aspects"] == []
    assert from_document(row_to_document(row)) == RECORD


def test_split_message() -> None:
    assert split_message("Subject line\n\nBody\n") == ("Subject line", "Subject line\n\nBody")
    assert split_message("") == ("", "")
