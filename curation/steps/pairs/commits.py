"""Mined commits -> preference pairs: the code after the commit is preferred to the code
before it, for each aspect the commit is tagged with.

The pair's prompt is the inverse instruction an LLM wrote for the change when the judge
stages ran (``instruction`` in the metadata); without them it is the commit message framed
as a change request, which still tells a reward model what the change was for. The review
rating, when present, becomes the pair's confidence (rating / 5).
"""

from __future__ import annotations

import json
from pathlib import Path

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.writers.parquet import ParquetWriter

from curation.assembly.ids import pair_id
from curation.schema import PAIRS
from curation.steps.mining.writers import rank_shard_writer

COMMIT_SOURCE = "commits"


def commit_message_prompt(subject: str, message: str, path: str, language: str) -> str:
    """The fallback prompt: the developer's own words, as a request to change the file."""
    body = message.strip() if message.strip() and message.strip() != subject.strip() else ""
    request = f"Update the {language} file `{path}`: {subject.strip()}"
    return f"{request}\n\n{body}" if body else request


class CommitPairs(PipelineStep):
    """Turns each commit document into one pair document per tagged aspect.

    Reads the document shape of the mining pipeline (``text`` = new contents, the rest in
    metadata) and yields documents whose metadata is a ``pairs`` row; commits without an
    aspect or whose two sides are identical are dropped and counted.
    """

    name = "🔀 Commit pairs"
    type = "🔨 - FORMAT"

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1):
        if data is None:
            return
        for doc in data:
            meta = doc.metadata
            aspects = meta.get("aspects") or []
            old, new = meta.get("old_contents") or "", doc.text
            if not aspects:
                self.stat_update("dropped_untagged")
                continue
            if old.strip() == new.strip():
                self.stat_update("dropped_identical")
                continue
            prompt = meta.get("instruction") or commit_message_prompt(
                meta.get("subject") or "", meta.get("message") or "", meta["path"], meta["language"]
            )
            rating = meta.get("review_rating")
            evidence = json.dumps(
                {
                    "repo": meta["repo"],
                    "commit": meta["commit"],
                    "parent": meta["parent"],
                    "path": meta["path"],
                    "commit_id": doc.id,
                    "review_rating": rating,
                    "instruction_style": meta.get("instruction_style"),
                },
                sort_keys=True,
            )
            for aspect in aspects:
                row = {
                    "id": pair_id(prompt, new, old, aspect),
                    "prompt": prompt,
                    "chosen": new,
                    "rejected": old,
                    "language": meta["language"],
                    "aspect": aspect,
                    "source": COMMIT_SOURCE,
                    "label_method": "commit",
                    "confidence": None if rating is None else float(rating) / 5.0,
                    "system": None,
                    "evidence": evidence,
                    "split": None,
                }
                self.stat_update("pairs", f"pairs_{aspect}")
                yield Document(text=new, id=row["id"], metadata=row)


def _pair_row(_writer: ParquetWriter, doc: Document) -> dict:
    return doc.metadata


def pairs_writer(folder: str | Path) -> ParquetWriter:
    """Shards of the ``pairs`` table, one per task, so a rerun task overwrites its shard."""
    return rank_shard_writer(folder, PAIRS, _pair_row)
