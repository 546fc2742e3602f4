"""Exact and MinHash near-dedup of mined commits, on datatrove's dedup stages.

Exact dedup uses datatrove's ``ExactDedup*`` stages with the change key of
``curation.dedup.exact_key``. Near-dedup uses the four ``Minhash*`` stages unchanged except
for the shingles: :class:`CodeTokenText` turns the document text into the normalised token
stream (after the shard has been written, so the stored contents are untouched) and
:class:`CodeMinhashSignature` shingles that stream instead of English words.
"""

from __future__ import annotations

import numpy as np
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.exact_dedup import ExactDedupConfig
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
from datatrove.utils.hashing import HashConfig
from datatrove.utils.word_tokenizers import WordTokenizer

from curation.dedup import (
    CODE_MINHASH_CONFIG,
    TOKEN_SEPARATOR,
    exact_key,
    shingle_hashes,
    token_text,
)


def change_key(doc: Document) -> bytes:
    return exact_key(doc.metadata["old_contents"], doc.text)


def exact_dedup_config() -> ExactDedupConfig:
    return ExactDedupConfig(content_getter=change_key, hash_config=HashConfig(64, "xxhash"))


class CodeTokenText(PipelineStep):
    """Replaces the text by its normalised tokens, one per line, for the signature stage."""

    type = "🫂 - DEDUP"
    name = "🔤 code tokens"

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        for doc in data:
            with self.track_time():
                doc.text = token_text(doc.text, doc.metadata["language"])
            yield doc


class CodeTokenSplitter(WordTokenizer):
    """The word tokenizer of a :class:`CodeTokenText` stream: one token per line.

    datatrove's default English tokenizer needs spaCy and would split code wrongly."""

    def __init__(self) -> None:
        super().__init__("code")

    def word_tokenize(self, text: str) -> list[str]:
        return text.split(TOKEN_SEPARATOR) if text else []

    def sent_tokenize(self, text: str) -> list[str]:
        return [text]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]


class CodeMinhashSignature(MinhashDedupSignature):
    """datatrove's MinHash signature stage over code-token shingles (see module doc).

    Only the shingling changes: datatrove lowercases and strips punctuation before
    tokenising words, which would erase most of what distinguishes two pieces of code.
    """

    name = "🎯 MinHash stage 1 (code tokens)"

    def __init__(self, output_folder: str, config: MinhashConfig | None = None) -> None:
        super().__init__(output_folder, config or CODE_MINHASH_CONFIG, language=CodeTokenSplitter())

    def get_shingles(self, text: str) -> np.ndarray:
        return shingle_hashes(text, self.config.n_grams, self._hash_func)
