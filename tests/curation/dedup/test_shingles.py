"""Code shingles and change keys (``curation/dedup/shingles.py``)."""

from __future__ import annotations

from datatrove.utils.hashing import create_hash_func

from curation.dedup import (
    CODE_MINHASH_CONFIG,
    TOKEN_SEPARATOR,
    exact_key,
    shingle_hashes,
    token_text,
)

HASH = create_hash_func(CODE_MINHASH_CONFIG.hash_config)
CODE = 'def greet(name):\n    # say hello\n    return "Hello,\\n " + name\n'


def test_token_text_drops_comments_and_layout() -> None:
    text = token_text(CODE, "Python")
    assert text.split(TOKEN_SEPARATOR) == [
        "def", "greet", "(", "name", ")", ":", "return", '"Hello,\\n "', "+", "name",
    ]  # fmt: skip
    relaid = 'def greet( name ):\n\n    return "Hello,\\n " + name  # trailing\n'
    assert token_text(relaid, "Python") == text


def test_shingles() -> None:
    text = token_text(CODE, "Python")
    shingles = shingle_hashes(text, 5, HASH)
    assert shingles.shape == (10 - 5 + 1, 1) and shingles.dtype.name == "uint64"
    assert shingle_hashes(token_text("x", "Python"), 5, HASH).shape == (1, 1)
    assert shingle_hashes("", 5, HASH).shape == (0, 1)


def test_lsh_threshold_is_about_0_7() -> None:
    bands, rows = CODE_MINHASH_CONFIG.num_buckets, CODE_MINHASH_CONFIG.hashes_per_bucket
    assert CODE_MINHASH_CONFIG.n_grams == 5
    assert abs((1 / bands) ** (1 / rows) - 0.7) < 0.05


def test_exact_key() -> None:
    assert exact_key("a", "b") == exact_key("a", "b")
    assert exact_key("a", "b") != exact_key("ab", "")
    assert exact_key("a", "b") != exact_key("b", "a")
