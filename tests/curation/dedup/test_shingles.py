"""Code shingles and change keys (``curation/dedup/shingles.py``)."""

from __future__ import annotations

from datatrove.utils.hashing import create_hash_func

from curation.code import parse_source
from curation.dedup import CODE_MINHASH_CONFIG, code_shingles, code_tokens, exact_key

HASH = create_hash_func(CODE_MINHASH_CONFIG.hash_config)
CODE = 'def greet(name):\n    # say hello\n    return "Hello,\\n " + name\n'


def test_code_tokens_drop_comments_and_layout() -> None:
    tokens = code_tokens(CODE, "Python")
    assert tokens == [
        b"def", b"greet", b"(", b"name", b")", b":", b"return", b'"Hello,\\n "', b"+", b"name",
    ]  # fmt: skip
    relaid = 'def greet( name ):\n\n    return "Hello,\\n " + name  # trailing\n'
    assert code_tokens(relaid, "Python") == tokens
    assert code_tokens(parse_source(CODE, "Python"), "Python") == tokens  # an existing parse


def test_code_tokens_of_a_file_over_the_parser_cap_are_words(monkeypatch) -> None:
    import curation.dedup.shingles as shingles

    def too_large(source, language):
        raise shingles.SourceTooLargeError("too large")

    monkeypatch.setattr(shingles, "parse_source", too_large)
    assert code_tokens("a  b\nc", "Python") == [b"a", b"b", b"c"]


def test_shingles() -> None:
    tokens = code_tokens(CODE, "Python")
    shingles = code_shingles(tokens, 5, HASH)
    assert shingles.shape == (10 - 5 + 1,) and shingles.dtype.name == "uint64"
    assert len(set(shingles.tolist())) == 6
    # a shingle is a function of its five tokens alone, wherever they stand
    for i in range(6):
        assert code_shingles(tokens[i : i + 5], 5, HASH).tolist() == [shingles[i]]
    assert code_shingles([b"x", *tokens], 5, HASH)[1:].tolist() == shingles.tolist()
    # order matters, and a changed token changes exactly the shingles that hold it
    swapped = [tokens[1], tokens[0], *tokens[2:]]
    assert code_shingles(swapped, 5, HASH)[0] != shingles[0]
    edited = code_shingles([*tokens[:7], b"-", *tokens[8:]], 5, HASH)
    assert (edited != shingles).tolist() == [False, False, False, True, True, True]
    # a stream shorter than a shingle is one shingle; an empty one has none
    assert code_shingles([b"x"], 5, HASH).shape == (1,)
    assert code_shingles([b"x"], 5, HASH)[0] != code_shingles([b"y"], 5, HASH)[0]
    assert code_shingles([], 5, HASH).shape == (0,)


def test_lsh_threshold_is_about_0_7() -> None:
    bands, rows = CODE_MINHASH_CONFIG.num_buckets, CODE_MINHASH_CONFIG.hashes_per_bucket
    assert CODE_MINHASH_CONFIG.n_grams == 5
    assert abs((1 / bands) ** (1 / rows) - 0.7) < 0.05


def test_exact_key() -> None:
    assert exact_key("a", "b") == exact_key("a", "b")
    assert exact_key("a", "b") != exact_key("ab", "")
    assert exact_key("a", "b") != exact_key("b", "a")
