"""Block MinHash signatures (``curation/dedup/minhash.py``) against datatrove's own."""

from __future__ import annotations

import numpy as np
import pytest
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
from datatrove.utils.hashing import HashConfig
from datatrove.utils.word_tokenizers import WordTokenizer

from curation.dedup import (
    CODE_MINHASH_CONFIG,
    DUPLICATE_PAIR,
    MinhashSigner,
    band_dtype,
    band_records,
    duplicate_pairs,
)

MERSENNE = (1 << 61) - 1


class Words(WordTokenizer):
    """Whitespace words: datatrove's default English tokenizer would need spaCy, and the
    reference here only signs ready-made shingles."""

    def word_tokenize(self, text: str) -> list[str]:
        return text.split()

    def sent_tokenize(self, text: str) -> list[str]:
        return [text]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]


def test_signatures_equal_datatrove_per_document(tmp_path) -> None:
    rng = np.random.default_rng(7)
    # sizes around and across the block boundary, one document larger than a block
    sizes = [1, 2, 5, 255, 256, 257, 1, 5000, 17, *rng.integers(1, 200, size=40)]
    shingles = [rng.integers(0, 2**64, size=n, dtype=np.uint64) for n in sizes]
    reference = MinhashDedupSignature(str(tmp_path), CODE_MINHASH_CONFIG, language=Words())
    expected = np.array(
        [np.concatenate(reference.get_signature(s.reshape(-1, 1))) for s in shingles],
        dtype=np.uint64,
    )
    assert np.array_equal(MinhashSigner(CODE_MINHASH_CONFIG).sign(shingles), expected)


def test_modulo_is_exact_at_the_mersenne_boundary() -> None:
    signer = MinhashSigner(CODE_MINHASH_CONFIG)
    signer.a = np.ones_like(signer.a)
    signer.b = np.zeros_like(signer.b)
    values = [0, 7, MERSENNE - 1, MERSENNE, MERSENNE + 1, MERSENNE + 7, 2**63, 2**64 - 1]
    signatures = signer.sign([np.array([v], dtype=np.uint64) for v in values])
    assert signatures[:, 0].tolist() == [v % MERSENNE for v in values]
    assert (signatures == signatures[:, :1]).all()  # every hash column alike when a=1, b=0


def test_band_records() -> None:
    config = MinhashConfig(num_buckets=2, hashes_per_bucket=3, hash_config=HashConfig(64))
    signatures = np.arange(12, dtype=np.uint64).reshape(2, 6)
    records = band_records(signatures, np.array([5, 9], dtype=np.uint32), 1, config)
    assert records.dtype == band_dtype(config) and records.dtype.itemsize == 3 * 8 + 4
    assert records.tolist() == [(3, 4, 5, 5), (9, 10, 11, 9)]


def test_32_bit_configs_are_refused() -> None:
    with pytest.raises(ValueError, match="64-bit"):
        MinhashSigner(MinhashConfig(hash_config=HashConfig(32)))


def test_duplicate_pairs_chain_neighbours_in_merge_order() -> None:
    config = MinhashConfig(num_buckets=1, hashes_per_bucket=2, hash_config=HashConfig(64))

    def band(rows: list[tuple[int, int, int]]) -> np.ndarray:
        records = np.array(rows, dtype=band_dtype(config))
        records.sort(order=records.dtype.names)
        return records

    task_3 = band([(1, 1, 0), (2, 5, 1), (1, 1, 4)])
    task_8 = band([(1, 1, 2), (2, 6, 0)])
    pairs = duplicate_pairs([task_3, task_8], [3, 8])
    assert pairs.dtype == DUPLICATE_PAIR
    # (1, 1) is shared by task 3's documents 0 and 4 and task 8's document 2: a chain
    assert pairs.tolist() == [(3, 0, 3, 4), (3, 4, 8, 2)]
    assert duplicate_pairs([], []).shape == (0,)
