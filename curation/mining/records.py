"""A mined commit as a record, and its two other shapes: a datatrove Document and a row.

The pipeline moves commits between stages as datatrove ``Document`` objects (``text`` is the
new contents, everything else lives in ``metadata``) and stores them as rows of the
``commits`` table (``curation/schema.py``). Keeping the conversions in one module means a
column added to the table is added in exactly one place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

import pyarrow as pa
from datatrove.data import Document

from curation.privacy.trailers import strip_trailers
from curation.schema import COMMITS


@dataclass
class CommitRecord:
    """One single-file commit: the file before (``old_contents``) and after the change."""

    repo: str
    commit: str
    parent: str
    path: str
    language: str
    old_contents: str
    new_contents: str
    subject: str = ""
    message: str = ""
    license: str | None = None
    committed_at: int | None = None
    diff: str | None = None
    aspects: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return commit_id(self.repo, self.commit, self.path)


_RECORD_FIELDS = tuple(f.name for f in fields(CommitRecord))


def commit_id(repo: str, commit: str, path: str) -> str:
    """A stable row id: the same commit of the same file in the same repo always gets it."""
    return hashlib.sha1(f"{repo}\0{commit}\0{path}".encode(), usedforsecurity=False).hexdigest()


def split_message(message: str) -> tuple[str, str]:
    """(subject, full message): git's subject is the first paragraph's first line. Trailers
    that name people (``Signed-off-by:``...) are removed: no author reaches a table."""
    message = strip_trailers(message)[0].strip("\n")
    return message.split("\n", 1)[0].strip(), message


def _fields(record: CommitRecord) -> dict:
    """The record's fields as a dict; shallow, unlike ``dataclasses.asdict`` (which deep-
    copies every string and list and was a third of the reader's time)."""
    return {name: getattr(record, name) for name in _RECORD_FIELDS}


def to_document(record: CommitRecord) -> Document:
    metadata = _fields(record)
    metadata.pop("new_contents")
    return Document(text=record.new_contents, id=record.id, metadata=metadata)


def from_document(doc: Document) -> CommitRecord:
    values = {name: doc.metadata.get(name) for name in _RECORD_FIELDS if name != "new_contents"}
    values["aspects"] = list(values["aspects"] or [])
    return CommitRecord(new_contents=doc.text, **values)


def documents_to_table(docs: Sequence[Document]) -> pa.Table:
    """The ``commits`` table of documents, built column by column (``committed_at`` given
    as epoch seconds, which Arrow stores as the UTC timestamp)."""
    columns: dict[str, list] = {"id": [doc.id for doc in docs]}
    for name in COMMITS.names:
        if name == "new_contents":
            columns[name] = [doc.text for doc in docs]
        elif name == "aspects":
            columns[name] = [doc.metadata.get(name) or [] for doc in docs]
        elif name != "id":
            columns[name] = [doc.metadata.get(name) for doc in docs]
    return pa.Table.from_pydict(columns, schema=COMMITS)


def row_to_document(row: dict) -> Document:
    """A row of the ``commits`` table as a document, for reading a stage's shard back."""
    values = {name: row.get(name) for name in _RECORD_FIELDS}
    when = values["committed_at"]
    if isinstance(when, datetime):
        values["committed_at"] = int(when.timestamp())
    values["aspects"] = list(values["aspects"] or [])
    doc = to_document(CommitRecord(**values))
    doc.id = row.get("id") or doc.id
    return doc
