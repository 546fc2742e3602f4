"""What near-dedup and exact dedup compare: code-token shingles and change keys.

datatrove's MinHash shingles words of natural-language text. For code we shingle the
token stream of ``curation.code`` instead (comments and whitespace gone, literals kept as
single atoms), so two files that differ only in comments or layout have the same shingles.
The tokens come from the tree the syntax filter already built (:func:`code_tokens`), so
dedup costs no second parse.

The LSH layout (14 bands of 8 hashes) puts the 50% detection point of the S-curve at a
Jaccard similarity of (1/14)^(1/8) ~= 0.72, i.e. the ~0.7 the mining recipe asks for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np
import xxhash
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.utils.hashing import HashConfig, create_hash_func

from curation.code import ParsedSource, SourceTooLargeError, parse_source, token_bytes

CODE_MINHASH_CONFIG = MinhashConfig(
    n_grams=5, num_buckets=14, hashes_per_bucket=8, seed=1, hash_config=HashConfig(64, "xxhash")
)


def code_tokens(source: str | ParsedSource, language: str) -> list[bytes]:
    """The normalised tokens of ``source`` (parsed here unless it comes parsed), as bytes.

    A file over the parser's size cap falls back to whitespace-separated words, so that
    it still gets shingles."""
    if isinstance(source, ParsedSource):
        return token_bytes(source)
    try:
        return token_bytes(parse_source(source, language))
    except SourceTooLargeError:
        return source.encode("utf-8", "surrogatepass").split()


def shingle_hash_func(config: HashConfig) -> Callable[[bytes], int]:
    """datatrove's hash function for ``config``; for 64-bit xxhash the C function it wraps,
    which spares a Python call per shingle and returns the same values."""
    if (config.precision, config.hash_fc) == (64, "xxhash"):
        return xxhash.xxh64_intdigest
    return create_hash_func(config, bytes)


def code_shingles(tokens: Sequence[bytes], n: int, hash_func: Callable[[bytes], int]) -> np.ndarray:
    """64-bit hashes of the ``n``-token shingles (tokens joined by a space), shape (N,).

    A stream shorter than ``n`` tokens is one shingle, so tiny files still get a signature;
    an empty stream has none."""
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    count = max(1, len(tokens) - n + 1)
    shingles = (b" ".join(tokens[i : i + n]) for i in range(count))
    return np.fromiter(map(hash_func, shingles), dtype=np.uint64, count=count)


def exact_key(old_contents: str, new_contents: str) -> bytes:
    """Key of a change for exact dedup: both versions, so that the same change mined from
    two forks (or cherry-picked) collapses, while two different fixes leading to the same
    file do not."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(old_contents.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(new_contents.encode("utf-8", "surrogatepass"))
    return digest.digest()
