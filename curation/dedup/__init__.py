"""Deduplication and decontamination of mined code: shingles, keys and n-gram indexes."""

from __future__ import annotations

from curation.dedup.decontamination import DecontaminationIndex, ngram_hashes, text_tokens
from curation.dedup.minhash import (
    DUPLICATE_PAIR,
    MERSENNE_PRIME,
    MinhashSigner,
    band_dtype,
    band_records,
    duplicate_pairs,
)
from curation.dedup.shingles import (
    CODE_MINHASH_CONFIG,
    code_shingles,
    code_tokens,
    exact_key,
    shingle_hash_func,
)

__all__ = [
    "CODE_MINHASH_CONFIG",
    "DUPLICATE_PAIR",
    "MERSENNE_PRIME",
    "DecontaminationIndex",
    "MinhashSigner",
    "band_dtype",
    "band_records",
    "code_shingles",
    "code_tokens",
    "duplicate_pairs",
    "exact_key",
    "ngram_hashes",
    "shingle_hash_func",
    "text_tokens",
]
