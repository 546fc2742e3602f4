from __future__ import annotations

import pytest

from curation.languages import (
    LANGUAGE_NAMES,
    LANGUAGES,
    UnknownLanguageError,
    get_language,
    language_for_path,
    normalize_language,
)


def test_canonical_names_are_the_crb_spellings() -> None:
    assert LANGUAGE_NAMES == ("C", "CSharp", "Cpp", "Go", "Java", "JavaScript", "Python", "Ruby")


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("C#", "CSharp"),
        ("c#", "CSharp"),
        ("C++", "Cpp"),
        ("cpp", "Cpp"),
        ("js", "JavaScript"),
        ("JavaScript", "JavaScript"),
        ("golang", "Go"),
        ("py", "Python"),
        (" Python ", "Python"),
        ("rb", "Ruby"),
        ("c", "C"),
        ("java", "Java"),
    ],
)
def test_aliases_normalise(alias: str, canonical: str) -> None:
    assert normalize_language(alias) == canonical


def test_unknown_language_names_the_input() -> None:
    with pytest.raises(UnknownLanguageError, match="'Kotlin'"):
        normalize_language("Kotlin")


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("src/a.c", "C"),
        ("a.hpp", "Cpp"),
        ("a.cc", "Cpp"),
        ("a.cxx", "Cpp"),
        ("a.cs", "CSharp"),
        ("main.go", "Go"),
        ("A.java", "Java"),
        ("x.mjs", "JavaScript"),
        ("x.cjs", "JavaScript"),
        ("x.js", "JavaScript"),
        ("x.PY", "Python"),
        ("Rakefile.rake", "Ruby"),
        ("README.md", None),
        ("Makefile", None),
    ],
)
def test_language_for_path(path: str, language: str | None) -> None:
    assert language_for_path(path) == language


@pytest.mark.parametrize(
    ("content", "language"),
    [
        (b"#ifndef A_H\n#define A_H\nint add(int a, int b);\n#endif\n", "C"),
        (b"struct point { int x; };\ntypedef struct point point;\n", "C"),
        (b"#pragma once\nnamespace geo {\nclass Point {\n public:\n int x;\n};\n}\n", "Cpp"),
        (b"template <typename T>\nT max(T a, T b);\n", "Cpp"),
        (b"#include <vector>\nstd::vector<int> f();\n", "Cpp"),
        (b"class Shape : public Base {\n};\n", "Cpp"),
    ],
)
def test_header_language_from_content(content: bytes, language: str) -> None:
    assert language_for_path("include/x.h", content) == language


def test_every_grammar_loads_once_and_parsers_are_reused() -> None:
    for lang in LANGUAGES.values():
        assert lang.grammar is lang.grammar
        assert lang.parser() is lang.parser()
    assert get_language("C#").grammar is not get_language("C").grammar
