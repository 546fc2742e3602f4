from __future__ import annotations

from curation.code import analyze, normalized_tokens, parse_source, strip_comments, token_bytes


def test_strip_comments_keeps_strings_and_line_numbers() -> None:
    source = 'x = "# not a comment"  # a comment\n"""doc"""\n# last\n'
    stripped = strip_comments(source, "Python")
    assert stripped == 'x = "# not a comment"  \n"""doc"""\n\n'
    assert stripped.count("\n") == source.count("\n")


def test_strip_comments_multiline_block_keeps_newlines() -> None:
    source = "int a; /* one\ntwo\nthree */ int b; // tail\n"
    assert strip_comments(source, "C") == "int a; \n\n int b; \n"


def test_strip_comments_returns_the_type_it_was_given() -> None:
    assert strip_comments(b"x = 1  # c\n", "Python") == b"x = 1  \n"


def test_strip_comments_for_every_language(snippet) -> None:
    stripped = strip_comments(snippet.valid, snippet.language)
    result = analyze(stripped, snippet.language)
    assert result.comment_ratio == 0.0
    assert result.parses
    assert sorted(result.function_names) == sorted(snippet.functions)


def test_tokens_ignore_whitespace_and_comments() -> None:
    a = "def f(x):\n    return x + 1  # add\n"
    b = "def f( x ):\n\n    return x+1\n"
    assert normalized_tokens(a, "py") == normalized_tokens(b, "py")
    assert normalized_tokens(a, "py") == ["def", "f", "(", "x", ")", ":", "return", "x", "+", "1"]


def test_tokens_abstract_identifiers_and_literals() -> None:
    a = 'int total(int n) { return n * 2 + strlen("ab"); }'
    b = 'int sum(int k) { return k * 7 + strlen("zz"); }'
    assert normalized_tokens(a, "C") != normalized_tokens(b, "C")
    assert normalized_tokens(
        a, "C", abstract_identifiers=True, abstract_literals=True
    ) == normalized_tokens(b, "C", abstract_identifiers=True, abstract_literals=True)
    tokens = normalized_tokens(a, "C", abstract_identifiers=True, abstract_literals=True)
    assert tokens == ["int", "ID", "(", "int", "ID", ")", "{", "return", "ID", "*", "LIT", "+",
                      "ID", "(", "LIT", ")", ";", "}"]  # fmt: skip


def test_multiline_string_is_one_token() -> None:
    source = "const s = `a\nb ${x}`;\n"
    tokens = normalized_tokens(source, "JavaScript", abstract_literals=True)
    assert tokens == ["const", "s", "=", "LIT", ";"]


def test_go_closures_and_composite_literals_are_code_not_one_literal() -> None:
    source = (
        "func f() int {\n\tg := func(x int) int { return x * 2 }\n"
        "\tp := Point{X: 1}\n\treturn g(p.X)\n}\n"
    )
    tokens = normalized_tokens(source, "Go", abstract_literals=True)
    assert tokens == ["func", "f", "(", ")", "int", "{",
                      "g", ":=", "func", "(", "x", "int", ")", "int", "{", "return", "x", "*",
                      "LIT", "}",
                      "p", ":=", "Point", "{", "X", ":", "LIT", "}",
                      "return", "g", "(", "p", ".", "X", ")", "}"]  # fmt: skip


def test_tokens_for_every_language(snippet) -> None:
    tokens = normalized_tokens(snippet.valid, snippet.language, abstract_identifiers=True)
    assert len(tokens) > 20
    assert "ID" in tokens
    assert not any(t.startswith(("//", "/*", "# ")) for t in tokens)


def test_token_bytes_of_a_parse_are_the_normalised_tokens(snippet) -> None:
    parsed = parse_source(snippet.valid, snippet.language)
    tokens = normalized_tokens(snippet.valid, snippet.language)
    assert token_bytes(parsed) == [token.encode() for token in tokens]
    assert tokens  # every snippet has code
