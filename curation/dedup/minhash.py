"""MinHash signatures of many documents at once, in datatrove's numbers and file layout.

datatrove's ``MinhashDedupSignature`` signs one document per call: a handful of small
numpy operations whose fixed cost is most of the work for source files of a few dozen
lines. :class:`MinhashSigner` computes the very same values (same permutation parameters
from the same seed, same formula ``min((h * a + b) mod (2^61 - 1))``) for a block of
documents in one pass, and :func:`band_records` lays them out as the records that
datatrove's bucket stage reads. :func:`duplicate_pairs` finds what that stage finds in
a band, with one sort instead of a heap of Python objects; datatrove's cluster and filter
stages then run unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from datatrove.pipeline.dedup.minhash import MinhashConfig

MERSENNE_PRIME = np.uint64((1 << 61) - 1)
_SHIFT = np.uint64(61)
# Shingle rows per numpy pass: the (rows x hashes) block (~230 KB) stays in a core's L2
# cache; blocks of 2048 rows took 1.7x as long on a busy 2-core machine.
_BLOCK_ROWS = 256


def band_dtype(config: MinhashConfig) -> np.dtype:
    """One record of a datatrove signature file: a band's hashes, then the document index."""
    hash_type = f"<{config.hash_config.struct_format}"
    fields = [(f"field{i + 1}", hash_type) for i in range(config.hashes_per_bucket)]
    return np.dtype([*fields, (f"field{config.hashes_per_bucket + 1}", "<I")])


class MinhashSigner:
    """Signatures of blocks of shingle arrays; identical to datatrove's per document."""

    def __init__(self, config: MinhashConfig) -> None:
        if config.hash_config.precision != 64:
            raise ValueError("MinhashSigner computes 64-bit signatures; use HashConfig(64, ...)")
        self.config = config
        self.num_hashes = config.num_buckets * config.hashes_per_bucket
        # datatrove's MinhashDedupSignature.parameters, drawn the same way from the seed
        generator = np.random.RandomState(config.seed)
        self.a = generator.randint(1, MERSENNE_PRIME, dtype=np.uint64, size=(1, self.num_hashes))
        self.b = generator.randint(0, MERSENNE_PRIME, dtype=np.uint64, size=(1, self.num_hashes))

    def sign(self, shingles: Sequence[np.ndarray]) -> np.ndarray:
        """Signatures (rows, ``num_hashes``) of documents given as 1-D shingle hash arrays.

        Every array must be non-empty (a document without shingles has no signature)."""
        signatures = np.empty((len(shingles), self.num_hashes), dtype=np.uint64)
        start = 0
        while start < len(shingles):
            end, rows = start, 0
            while end < len(shingles) and (rows == 0 or rows + len(shingles[end]) <= _BLOCK_ROWS):
                rows += len(shingles[end])
                end += 1
            block = shingles[start:end]
            offsets = np.zeros(len(block), dtype=np.intp)
            np.cumsum([len(s) for s in block[:-1]], out=offsets[1:])
            hashes = self._permuted(np.concatenate(block).reshape(-1, 1))
            signatures[start:end] = np.minimum.reduceat(hashes, offsets, axis=0)
            start = end
        return signatures

    def _permuted(self, column: np.ndarray) -> np.ndarray:
        """``(column * a + b) mod (2^61 - 1)`` with uint64 wrap-around, as datatrove has it.

        The modulo uses the Mersenne identity ``x = hi * 2^61 + lo == hi + lo``, a third of
        the cost of numpy's integer ``%`` and the same result."""
        values = column * self.a
        values += self.b
        reduced = values & MERSENNE_PRIME
        values >>= _SHIFT
        reduced += values
        np.subtract(reduced, MERSENNE_PRIME, out=reduced, where=reduced >= MERSENNE_PRIME)
        return reduced


def band_records(
    signatures: np.ndarray, doc_ids: np.ndarray, band: int, config: MinhashConfig
) -> np.ndarray:
    """The records of one band, in the order given; datatrove's bucket stage needs them
    sorted by all fields, hashes first."""
    dtype = band_dtype(config)
    records = np.empty(len(doc_ids), dtype=dtype)
    width = config.hashes_per_bucket
    for i in range(width):
        records[f"field{i + 1}"] = signatures[:, band * width + i]
    records[f"field{width + 1}"] = doc_ids
    return records


# A line of datatrove's ``.dups`` files: two (task, document) that share a band's hashes.
DUPLICATE_PAIR = np.dtype(
    [("task_a", "<u4"), ("doc_a", "<u4"), ("task_b", "<u4"), ("doc_b", "<u4")]
)


def duplicate_pairs(bands: Sequence[np.ndarray], tasks: Sequence[int]) -> np.ndarray:
    """What datatrove's bucket stage finds in one band: with the sorted records of every
    task merged in its order (hashes, then file, then document), each record whose hashes
    equal those of the record before it makes a pair with that record.

    ``bands[i]`` holds the records of task ``tasks[i]``, files in datatrove's (sorted name)
    order. One sort replaces the stage's heap of Python objects.
    """
    if not bands:
        return np.empty(0, dtype=DUPLICATE_PAIR)
    *hashes, position = bands[0].dtype.names
    records = np.concatenate(bands)
    files = np.repeat(np.arange(len(bands)), [len(band) for band in bands])
    order = np.lexsort([records[position], files, *(records[h] for h in reversed(hashes))])
    records, files = records[order], files[order]
    same = np.ones(max(len(records) - 1, 0), dtype=bool)
    for name in hashes:
        column = records[name]
        same &= column[1:] == column[:-1]
    first = np.flatnonzero(same)
    task_of = np.asarray(tasks, dtype=np.uint32)[files]
    pairs = np.empty(len(first), dtype=DUPLICATE_PAIR)
    pairs["task_a"], pairs["doc_a"] = task_of[first], records[position][first]
    pairs["task_b"], pairs["doc_b"] = task_of[first + 1], records[position][first + 1]
    return pairs
