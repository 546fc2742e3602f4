from __future__ import annotations

import pytest

from curation.languages import LANGUAGE_NAMES, get_language
from curation.mutation import OPERATORS, find_sites, generate_mutants

# One small function per language with a comparison, a literal, a subtraction, an if
# and an expression statement: every operator has at least one site in each.
_C_BODY = "{\n    int s = 0;\n    if (n < 3) {\n        s = n - 1;\n    }\n    return s;\n}\n"
SNIPPETS = {
    "C": "int f(int n) " + _C_BODY,
    "Cpp": "int f(int n) " + _C_BODY,
    "CSharp": "class A {\n    int F(int n) " + _C_BODY + "}\n",
    "Go": "package main\n\nfunc f(n int) int {\n\ts := 0\n\tif n < 3 {\n\t\ts = n - 1\n\t}\n"
    "\treturn s\n}\n",
    "Java": "class A {\n    int f(int n) " + _C_BODY + "}\n",
    "JavaScript": "function f(n) " + _C_BODY.replace("int s", "let s"),
    "Python": "def f(n):\n    s = 0\n    if n < 3:\n        s = n - 1\n    return s\n",
    "Ruby": "def f(n)\n  s = 0\n  if n < 3\n    s = n - 1\n  end\n  s\nend\n",
}


def test_snippets_cover_the_eight_languages() -> None:
    assert set(SNIPPETS) == set(LANGUAGE_NAMES)


@pytest.mark.parametrize("language", LANGUAGE_NAMES)
def test_every_operator_mutates_every_language(language: str) -> None:
    code = SNIPPETS[language]
    mutants = generate_mutants(code, language)
    by_operator: dict[str, set[tuple[str, str]]] = {}
    for mutant in mutants:
        by_operator.setdefault(mutant.operator, set()).add((mutant.original, mutant.replacement))
        assert mutant.code != code
        tree = get_language(language).parser().parse(mutant.code.encode())
        assert not tree.root_node.has_error, mutant
    assert set(by_operator) == set(OPERATORS)
    assert ("<", "<=") in by_operator["flip_comparison"]
    assert ("3", "4") in by_operator["off_by_one"] and ("3", "2") in by_operator["off_by_one"]
    assert ("n - 1", "1 - n") in by_operator["swap_operands"]
    assert by_operator["replace_arithmetic"] == {("-", "+")}
    negated = {replacement for _, replacement in by_operator["negate_condition"]}
    assert negated == {"not (n < 3)" if language == "Python" else "!(n < 3)"}
    dropped = {original for original, _ in by_operator["drop_statement"]}
    assert any("s = n - 1" in statement for statement in dropped)


def test_mutants_apply_exactly_one_change_at_the_reported_line() -> None:
    code = SNIPPETS["Python"]
    flips = [m for m in generate_mutants(code, "Python") if m.operator == "flip_comparison"]
    assert len(flips) == 1
    assert flips[0].line == 3
    assert flips[0].code == code.replace("n < 3", "n <= 3")


def test_python_membership_and_conditional_expressions() -> None:
    code = "def f(a, t):\n    return [s for s in t if s not in a] if t else []\n"
    pairs = {(m.operator, m.replacement) for m in generate_mutants(code, "Python")}
    assert ("flip_comparison", "in") in pairs
    assert ("negate_condition", "not (s not in a)") in pairs
    assert ("negate_condition", "not (t)") in pairs


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("Cpp", "int f(int x, int y) {\n    return x+y;\n}\n", "return x-y;"),
        ("Java", "class A {\n    int f(int n) {\n        return n * n;\n    }\n}\n", "n / n"),
        ("Python", "def f(a, b):\n    return a // b\n", "a * b"),
        ("Go", "package main\n\nfunc f(a int) int {\n\treturn a % 7\n}\n", "a * 7"),
    ],
)
def test_one_line_arithmetic_gets_a_mutant(language: str, code: str, expected: str) -> None:
    """``return x + y`` has no comparison, condition or statement to drop (CPP/53)."""
    mutants = generate_mutants(code, language, ["replace_arithmetic"])
    assert [expected in m.code for m in mutants] == [True]


def test_start_byte_protects_the_prompt() -> None:
    prompt = "def f(n):\n    assert n >= 0\n"
    body = "    return n - 1\n"
    mutants = generate_mutants(prompt + body, "Python", start_byte=len(prompt.encode()))
    assert mutants
    assert all(m.code.startswith(prompt) for m in mutants)
    assert {m.operator for m in mutants} <= {"off_by_one", "swap_operands", "replace_arithmetic"}


def test_limit_interleaves_operators_and_is_deterministic() -> None:
    code = SNIPPETS["Java"]
    first = generate_mutants(code, "Java", limit=len(OPERATORS))
    assert [m.operator for m in first] == list(OPERATORS)
    assert first == generate_mutants(code, "Java", limit=len(OPERATORS))


def test_duplicates_are_dropped() -> None:
    mutants = generate_mutants("x = 1 - 1\n", "Python")
    codes = [m.code for m in mutants]
    assert len(codes) == len(set(codes))
    assert "x = 1 - 1\n" not in codes  # swapping equal operands changes nothing


def test_unknown_operator_and_language_are_errors() -> None:
    with pytest.raises(ValueError, match="unknown mutation operators"):
        find_sites("x = 1\n", "Python", ["explode"])
    with pytest.raises(ValueError, match="unknown language"):
        generate_mutants("x = 1", "Kotlin")
