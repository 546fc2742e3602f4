"""Deduplication and decontamination of mined code: shingles, keys and n-gram indexes."""

from __future__ import annotations

from curation.dedup.decontamination import DecontaminationIndex, ngram_hashes, text_tokens
from curation.dedup.shingles import (
    CODE_MINHASH_CONFIG,
    TOKEN_SEPARATOR,
    exact_key,
    shingle_hashes,
    token_text,
)

__all__ = [
    "CODE_MINHASH_CONFIG",
    "TOKEN_SEPARATOR",
    "DecontaminationIndex",
    "exact_key",
    "ngram_hashes",
    "shingle_hashes",
    "text_tokens",
    "token_text",
]
