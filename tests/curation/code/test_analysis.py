from __future__ import annotations

import pytest
from tree_sitter import Node

from curation.code import DEFAULT_MAX_BYTES, SourceTooLargeError, analyze
from curation.languages import UnknownLanguageError, get_language


def reference_depth(node: Node) -> int:
    """Oracle: the longest root-to-leaf path in nodes, by plain recursion."""
    return 1 + max((reference_depth(child) for child in node.children), default=0)


def reference_counts(node: Node) -> tuple[int, int]:
    total, named = 1, int(node.is_named)
    for child in node.children:
        child_total, child_named = reference_counts(child)
        total += child_total
        named += child_named
    return total, named


@pytest.mark.parametrize(
    ("source", "language", "depth", "nodes", "named"),
    [
        # module > expression_statement > assignment > identifier
        ("x = 1", "Python", 4, 6, 5),
        # translation_unit > declaration > primitive_type | identifier | ;
        ("int x;", "C", 3, 5, 4),
        ("int x;", "Cpp", 3, 5, 4),
        # source_file > package_clause > package | package_identifier
        ("package main", "Go", 3, 4, 3),
        # program > variable_declaration > variable_declarator > identifier
        ("var x = 1;", "JavaScript", 4, 8, 5),
        # program > class_declaration > class_body > { }
        ("class A {}", "Java", 4, 7, 4),
        ("class A {}", "CSharp", 4, 7, 4),
        # program > assignment > identifier | = | integer
        ("x = 1", "Ruby", 3, 5, 4),
        # the root alone
        ("", "Python", 1, 1, 1),
    ],
)
def test_depth_and_counts_on_tiny_programs(
    source: str, language: str, depth: int, nodes: int, named: int
) -> None:
    result = analyze(source, language)
    assert (result.depth, result.node_count, result.named_node_count) == (depth, nodes, named)


def test_valid_snippet(snippet) -> None:
    result = analyze(snippet.valid, snippet.language)
    assert result.language == snippet.language
    assert result.parses
    assert result.error_count == 0
    assert sorted(result.function_names) == sorted(snippet.functions)
    assert result.line_count == snippet.valid.count("\n")
    assert 0.0 < result.comment_ratio < 0.3

    tree = get_language(snippet.language).parser().parse(snippet.valid.encode())
    assert result.depth == reference_depth(tree.root_node)
    assert (result.node_count, result.named_node_count) == reference_counts(tree.root_node)


def test_function_spans_are_one_based_and_inclusive(snippet) -> None:
    result = analyze(snippet.valid, snippet.language)
    lines = snippet.valid.splitlines()
    for function in result.functions:
        assert 1 <= function.start_line <= function.end_line <= len(lines)
        assert function.name.split("::")[-1] in lines[function.start_line - 1]


def test_broken_snippet_reports_errors(snippet) -> None:
    result = analyze(snippet.broken, snippet.language)
    assert not result.parses
    assert result.error_count >= 1


def test_nested_python_functions_have_exact_spans() -> None:
    source = "def outer():\n    def inner():\n        return 1\n    return inner\n"
    spans = [(f.name, f.start_line, f.end_line) for f in analyze(source, "py").functions]
    assert spans == [("outer", 1, 4), ("inner", 2, 3)]


def test_comment_ratio_counts_comment_bytes() -> None:
    source = "# 1234567\nx = 1\n"
    assert analyze(source, "Python").comment_ratio == pytest.approx(9 / len(source))


def test_invalid_utf8_and_nul_bytes_are_reported_not_raised() -> None:
    result = analyze(b"def f():\n    return '\xff\xfe'\x00\n", "Python")
    assert not result.valid_utf8
    assert result.has_nul
    assert result.function_names == ["f"]


def test_source_in_the_wrong_language_reports_errors() -> None:
    java = "public class A { public static void main(String[] a) { int x = 1; } }"
    result = analyze(java, "Python")
    assert not result.parses
    assert result.error_count > 0


def test_size_cap_has_a_clear_error() -> None:
    big = b"x = 1\n" * (50 * 1024 * 1024 // 6)
    with pytest.raises(SourceTooLargeError, match=r"over the 8,388,608-byte cap"):
        analyze(big, "Python")
    under_default_cap = big[: 6 * (DEFAULT_MAX_BYTES // 60)]
    assert analyze(under_default_cap, "Python").parses
    with pytest.raises(SourceTooLargeError, match=r"1,000 bytes, over the 999-byte cap"):
        analyze(big[:1000], "Python", max_bytes=999)


def test_unknown_language() -> None:
    with pytest.raises(UnknownLanguageError):
        analyze("x", "Fortran")


def test_analysis_is_thread_safe() -> None:
    from concurrent.futures import ThreadPoolExecutor

    sources = [f"def f{i}():\n    return {i}\n" for i in range(200)]
    with ThreadPoolExecutor(4) as pool:
        names = list(pool.map(lambda s: analyze(s, "Python").function_names, sources))
    assert names == [[f"f{i}"] for i in range(200)]
