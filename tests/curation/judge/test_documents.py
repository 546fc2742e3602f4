"""Pairs and commits as datatrove Documents, and the reader adapter for pairs files."""

from __future__ import annotations

import pytest

from curation.judge.documents import (
    commit_document,
    commit_from_document,
    pair_adapter,
    pair_document,
    pair_from_document,
)
from curation.judge.pairwise import BadPairError, PairToJudge


def test_pair_round_trip_with_order(pair_rows):
    pair = PairToJudge.from_row(pair_rows[0])
    document = pair_document(pair, "BA")
    assert document.id == "pair-0#BA" and document.metadata["order"] == "BA"
    assert document.text == pair.prompt
    assert pair_from_document(document) == pair
    assert pair_from_document(document, aspect="memory").aspect == "Memory_Efficiency"


def test_reader_adapter_accepts_themis_column_names():
    row = {"idx": 12, "input": "Sort it.", "chosen": "a", "rejected": "b", "language": "js"}
    adapted = pair_adapter(None, dict(row), "train.parquet", 3)
    assert adapted["text"] == "Sort it." and adapted["id"] == "12"
    assert adapted["metadata"]["pair_id"] == "12" and adapted["metadata"]["language"] == "js"
    unnamed = pair_adapter(None, {"prompt": "p"}, "train.parquet", 3)
    assert unnamed["id"] == "train.parquet/3"


def test_bad_pair_document_is_named():
    from datatrove.data import Document

    document = Document(text="p", id="d7", metadata={"chosen": "a", "language": "Go"})
    with pytest.raises(BadPairError, match="document d7: missing rejected"):
        pair_from_document(document, aspect="fc")


def test_commit_round_trip():
    row = {
        "id": "c9",
        "language": "Ruby",
        "message": "Freeze constants",
        "old_contents": "A = []\n",
        "new_contents": "A = [].freeze\n",
        "aspects": ["Security_Hardness", "Readability_Maintainability"],
    }
    document = commit_document(row)
    assert document.text == "A = [].freeze\n" and document.id == "c9"
    commit = commit_from_document(document)
    assert commit.aspect == "Security_Hardness" and commit.new_code == "A = [].freeze\n"
    assert "+A = [].freeze" in commit.diff
