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
# Odd multiplier of the polynomial over a shingle's token hashes (2^64 / golden ratio),
# and splitmix64's two finaliser multipliers.
_SHINGLE_STEP = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


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
    """64-bit hashes of the ``n``-token shingles, shape (N,).

    Each token is hashed once (``hash_func``) and a shingle's hash is computed from its
    ``n`` token hashes in numpy: the polynomial ``h_0 S^(n-1) + ... + h_(n-1)`` modulo
    2^64 (order matters), then splitmix64's finaliser, so that every bit of the result
    depends on every token. Hashing the joined bytes of each shingle instead cost a join
    and a hash call per token ``n`` times over: 0.7 s against 0.3 s for the 2.2 M tokens
    of 400 files of a Go history.

    A stream shorter than ``n`` tokens is one shingle, so tiny files still get a signature;
    an empty stream has none."""
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    hashes = np.fromiter(map(hash_func, tokens), dtype=np.uint64, count=len(tokens))
    width = min(n, len(hashes))
    count = len(hashes) - width + 1
    shingles = hashes[:count].copy()
    for offset in range(1, width):
        shingles *= _SHINGLE_STEP
        shingles += hashes[offset : offset + count]
    return _mix(shingles)


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place on a uint64 array (wrapping arithmetic)."""
    values ^= values >> np.uint64(30)
    values *= _MIX_1
    values ^= values >> np.uint64(27)
    values *= _MIX_2
    values ^= values >> np.uint64(31)
    return values


def exact_key(old_contents: str, new_contents: str) -> bytes:
    """Key of a change for exact dedup: both versions, so that the same change mined from
    two forks (or cherry-picked) collapses, while two different fixes leading to the same
    file do not."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(old_contents.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(new_contents.encode("utf-8", "surrogatepass"))
    return digest.digest()
