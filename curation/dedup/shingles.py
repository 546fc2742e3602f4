"""What near-dedup and exact dedup compare: normalised code tokens and change keys.

datatrove's MinHash shingles words of natural-language text. For code we shingle the
token stream of ``curation.code.normalized_tokens`` instead (comments and whitespace gone,
literals kept as single atoms), so two files that differ only in comments or layout have
the same shingles. The stream travels to the signature stage as the document text, one
token per line (:func:`token_text`), and :func:`shingle_hashes` reads it back.

The LSH layout (14 bands of 8 hashes) puts the 50% detection point of the S-curve at a
Jaccard similarity of (1/14)^(1/8) ~= 0.72, i.e. the ~0.7 the mining recipe asks for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.utils.hashing import HashConfig

from curation.code import SourceTooLargeError, normalized_tokens

TOKEN_SEPARATOR = "\n"

CODE_MINHASH_CONFIG = MinhashConfig(
    n_grams=5, num_buckets=14, hashes_per_bucket=8, seed=1, hash_config=HashConfig(64, "xxhash")
)


def token_text(source: str, language: str) -> str:
    """The normalised tokens of ``source``, one per line (newlines inside a token, as in a
    multi-line string, become spaces so the line structure stays one token per line)."""
    try:
        tokens = normalized_tokens(source, language)
    except SourceTooLargeError:
        tokens = source.split()
    return TOKEN_SEPARATOR.join(t.replace("\n", " ").replace("\r", " ") for t in tokens)


def shingle_hashes(text: str, n: int, hash_func: Callable[[bytes], int]) -> np.ndarray:
    """Hashes of the ``n``-token shingles of a :func:`token_text` string, shape (N, 1).

    A stream shorter than ``n`` tokens is one shingle, so tiny files still get a signature.
    """
    tokens = text.split(TOKEN_SEPARATOR) if text else []
    if not tokens:
        return np.empty((0, 1), dtype=np.uint64)
    count = max(1, len(tokens) - n + 1)
    shingles = (" ".join(tokens[i : i + n]).encode("utf-8", "surrogatepass") for i in range(count))
    return np.fromiter(map(hash_func, shingles), dtype=np.uint64, count=count).reshape((-1, 1))


def exact_key(old_contents: str, new_contents: str) -> bytes:
    """Key of a change for exact dedup: both versions, so that the same change mined from
    two forks (or cherry-picked) collapses, while two different fixes leading to the same
    file do not."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(old_contents.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(new_contents.encode("utf-8", "surrogatepass"))
    return digest.digest()
