"""Structural facts about a source file, from one walk over its tree-sitter syntax tree.

The facts feed the commit filters (does it parse? is the tree deep enough to be real
code?), dedup and dataset statistics. They are computed in a single cursor walk that
compares integer node-kind ids, because the walk runs on every mined file and must cost
a fraction of the parse itself (see ``benchmarks/parse.py``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from tree_sitter import Node, Tree

from curation.code.source import DEFAULT_MAX_BYTES, parse_source
from curation.languages import Language, get_language


@dataclass(frozen=True)
class FunctionSpan:
    """A named function or method; lines are 1-based and inclusive."""

    name: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class CodeAnalysis:
    """What :func:`analyze` reports about one source.

    ``depth`` is the number of nodes on the longest path from the root to a leaf of the
    concrete syntax tree, counting both ends and anonymous (punctuation, keyword) nodes:
    an empty file has depth 1 (the root alone), and ``x = 1`` in Python has depth 4
    (module > expression_statement > assignment > identifier).

    ``error_count`` counts ERROR nodes plus MISSING nodes inserted by error recovery;
    ``parses`` is true when there are none. ``comment_ratio`` is the share of the source
    bytes that lie inside comment nodes.
    """

    language: str
    parses: bool
    error_count: int
    depth: int
    node_count: int
    named_node_count: int
    line_count: int
    byte_count: int
    comment_ratio: float
    functions: tuple[FunctionSpan, ...]
    valid_utf8: bool
    has_nul: bool

    @property
    def function_names(self) -> list[str]:
        return [function.name for function in self.functions]


# tree-sitter gives ERROR nodes this kind id in every grammar; they are named nodes.
_ERROR_KIND = 0xFFFF


@dataclass(frozen=True)
class _KindTable:
    """Per-grammar lookup tables indexed by node-kind id."""

    named: frozenset[int]
    comments: frozenset[int]
    functions: frozenset[int]


@functools.cache
def _kind_table(language_name: str) -> _KindTable:
    lang = get_language(language_name)
    grammar = lang.grammar
    kinds = range(grammar.node_kind_count)
    return _KindTable(
        named=frozenset(k for k in kinds if grammar.node_kind_is_named(k)) | {_ERROR_KIND},
        comments=frozenset(k for k in kinds if grammar.node_kind_for_id(k) in lang.comment_types),
        functions=frozenset(k for k in kinds if grammar.node_kind_for_id(k) in lang.function_types),
    )


def analyze(source: str | bytes, language: str, max_bytes: int = DEFAULT_MAX_BYTES) -> CodeAnalysis:
    """Parse ``source`` as ``language`` and report its structure.

    Never raises on bad code: text in the wrong language or with syntax errors parses
    with error nodes and is reported through ``parses``/``error_count``. Raises
    :class:`~curation.code.source.SourceTooLargeError` above ``max_bytes`` and
    :class:`~curation.languages.UnknownLanguageError` for an unknown language.
    """
    parsed = parse_source(source, language, max_bytes)
    lang = get_language(parsed.language)

    walk = _walk(parsed.tree, _kind_table(lang.name))
    error_count = _count_errors(parsed.tree) if parsed.tree.root_node.has_error else 0
    data = parsed.data
    return CodeAnalysis(
        language=lang.name,
        parses=error_count == 0,
        error_count=error_count,
        depth=walk.depth,
        node_count=walk.node_count,
        named_node_count=walk.named_count,
        line_count=_line_count(data),
        byte_count=len(data),
        comment_ratio=walk.comment_bytes / len(data) if data else 0.0,
        functions=tuple(
            span for span in map(functools.partial(_function_span, lang), walk.functions) if span
        ),
        valid_utf8=parsed.valid_utf8,
        has_nul=parsed.has_nul,
    )


@dataclass
class _WalkTotals:
    depth: int = 1
    node_count: int = 1
    named_count: int = 1
    comment_bytes: int = 0
    functions: list[Node] = field(default_factory=list)


def _walk(tree: Tree, table: _KindTable) -> _WalkTotals:
    """Visit every node once, depth first, with a cursor (no recursion, no child lists)."""
    totals = _WalkTotals()
    named, comment_kinds, function_kinds = table.named, table.comments, table.functions
    cursor = tree.walk()
    depth = max_depth = 1
    node_count = named_count = 1
    comment_bytes = 0
    while True:
        if cursor.goto_first_child():
            depth += 1
            if depth > max_depth:
                max_depth = depth
        elif not cursor.goto_next_sibling():
            while True:
                if not cursor.goto_parent():
                    totals.depth, totals.node_count = max_depth, node_count
                    totals.named_count, totals.comment_bytes = named_count, comment_bytes
                    return totals
                depth -= 1
                if cursor.goto_next_sibling():
                    break
        node = cursor.node
        kind = node.kind_id
        node_count += 1
        if kind in named:
            named_count += 1
            if kind in comment_kinds:
                comment_bytes += node.end_byte - node.start_byte
            elif kind in function_kinds:
                totals.functions.append(node)


def _line_count(data: bytes) -> int:
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _count_errors(tree: Tree) -> int:
    """ERROR and MISSING nodes; only called for trees whose root reports an error."""
    count = 0
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        if node.has_error:
            stack.extend(node.children)
    return count


def _function_span(lang: Language, node: Node) -> FunctionSpan | None:
    name_node = _function_name_node(lang, node)
    if name_node is None or name_node.text is None:
        return None
    return FunctionSpan(
        name=name_node.text.decode("utf-8", "replace"),
        start_line=node.start_point.row + 1,
        end_line=node.end_point.row + 1,
    )


_FUNCTION_VALUES = frozenset(
    {"arrow_function", "function_expression", "function", "generator_function"}
)


def _function_name_node(lang: Language, node: Node) -> Node | None:
    if node.type == "variable_declarator":
        # JavaScript `const f = (x) => ...` / `= function () {...}` names a function;
        # any other declarator is a plain variable.
        value = node.child_by_field_name("value")
        if value is None or value.type not in _FUNCTION_VALUES:
            return None
        return node.child_by_field_name("name")
    if lang.name in ("C", "Cpp"):
        return _c_declarator_name(node)
    return node.child_by_field_name("name")


def _c_declarator_name(node: Node) -> Node | None:
    """Unwrap C/C++ declarators (pointers, references, parentheses) to the function name."""
    declarator = node.child_by_field_name("declarator")
    while declarator is not None:
        if declarator.type == "function_declarator":
            inner = declarator.child_by_field_name("declarator")
            return inner
        declarator = declarator.child_by_field_name("declarator") or (
            declarator.named_children[0] if declarator.named_child_count else None
        )
    return None
