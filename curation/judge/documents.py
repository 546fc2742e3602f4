"""Preference pairs and commits as datatrove ``Document``s, and back.

A pair document carries the prompt as its text and the rest in metadata (``chosen``,
``rejected``, ``language``, ``aspect``), so datatrove readers, filters and writers handle
it like any other document; ``pair_adapter`` is the reader adapter for ``pairs`` Parquet
(aliases such as ``input`` accepted). Commit documents carry the new contents as text and
the ``commits`` row in metadata.
"""

from __future__ import annotations

from collections.abc import Mapping

from datatrove.data import Document

from curation.judge.pairwise import PairToJudge
from curation.judge.protocol import Order
from curation.judge.review import CommitToReview
from curation.pairs.columns import canonical_row

PAIR_METADATA: tuple[str, ...] = ("chosen", "rejected", "language", "aspect")


def pair_document(pair: PairToJudge, order: Order | None = None) -> Document:
    """A document for ``pair``; with ``order``, one copy per order (id ``<id>#<order>``)."""
    metadata: dict[str, object] = {
        "pair_id": pair.id,
        "chosen": pair.chosen,
        "rejected": pair.rejected,
        "language": pair.language,
        "aspect": pair.aspect,
    }
    if order is not None:
        metadata["order"] = order
    doc_id = pair.id if order is None else f"{pair.id}#{order}"
    return Document(text=pair.prompt, id=doc_id, metadata=metadata)


def pair_from_document(document: Document, aspect: str | None = None) -> PairToJudge:
    """The pair a document holds; raises ``BadPairError`` naming the document."""
    metadata = document.metadata
    row = {
        "id": metadata.get("pair_id", document.id),
        "prompt": document.text,
        **{key: metadata.get(key) for key in PAIR_METADATA},
    }
    return PairToJudge.from_row(row, aspect=aspect, where=f"document {document.id}")


def pair_adapter(self: object, data: dict, path: str, id_in_file: int | str) -> dict:
    """datatrove reader adapter for ``pairs`` Parquet/JSONL rows."""
    values = canonical_row(data)
    text = values.pop("prompt", "")
    doc_id = values.pop("id", None) or f"{path}/{id_in_file}"
    return {"text": text, "id": str(doc_id), "metadata": {"pair_id": str(doc_id), **values}}


def commit_document(row: Mapping[str, object]) -> Document:
    """A document for a ``commits`` row: the new contents as text, the row as metadata."""
    return Document(text=str(row.get("new_contents") or ""), id=str(row["id"]), metadata=dict(row))


def commit_from_document(document: Document, aspect: str | None = None) -> CommitToReview:
    row = {"id": document.id, "new_contents": document.text, **document.metadata}
    return CommitToReview.from_row(row, aspect=aspect, where=f"document {document.id}")
