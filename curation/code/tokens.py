"""Comment stripping and normalised token streams, for near-dedup and decontamination.

Two files that differ only in comments, whitespace or (optionally) names are the same
code for dedup purposes. Tokens come from the syntax tree, not a regex, so a ``#`` inside
a string is not a comment and a multi-line string is one token in every language.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import overload

from tree_sitter import Node, Tree

from curation.code.source import DEFAULT_MAX_BYTES, ParsedSource, parse_source
from curation.languages import get_language

IDENTIFIER_TOKEN = "ID"
LITERAL_TOKEN = "LIT"

# Literal node kinds across the 8 grammars that are not spelled `*_literal`.
_LITERAL_KINDS = frozenset(
    {
        "string",
        "number",
        "integer",
        "float",
        "template_string",
        "regex",
        "character",
        "true",
        "false",
        "null",
        "nil",
        "none",
        "simple_symbol",
        "interpreted_string_literal",
        "raw_string_literal",
        "concatenated_string",
    }
)

# Kinds named ``*_literal`` that hold code, not a value: Go's closures (``func_literal``)
# and struct, slice and map literals (``composite_literal``). As atoms, a closure's whole
# body would be one token.
_CODE_LITERAL_KINDS = frozenset({"func_literal", "composite_literal"})


@dataclass(frozen=True)
class _TokenKinds:
    comments: frozenset[int]
    literals: frozenset[int]
    identifiers: frozenset[int]


@functools.cache
def _token_kinds(language_name: str) -> _TokenKinds:
    lang = get_language(language_name)
    grammar = lang.grammar
    names = {kind: grammar.node_kind_for_id(kind) for kind in range(grammar.node_kind_count)}
    return _TokenKinds(
        comments=frozenset(k for k, name in names.items() if name in lang.comment_types),
        literals=frozenset(
            k
            for k, name in names.items()
            if grammar.node_kind_is_named(k)
            and (name in _LITERAL_KINDS or name.endswith("_literal"))
            and name not in _CODE_LITERAL_KINDS
        ),
        identifiers=frozenset(
            k
            for k, name in names.items()
            if grammar.node_kind_is_named(k) and (name.endswith("identifier") or name == "constant")
        ),
    )


def _atoms(tree: Tree, kinds: _TokenKinds) -> Iterator[Node]:
    """Leaves in source order, with literals as single atoms and comments skipped.

    The walk is the hot loop of near-dedup (every node of every mined file): the cursor's
    methods are bound once, and a node the cursor cannot descend into is a leaf without
    asking for its children."""
    cursor = tree.walk()
    first_child, next_sibling, parent = (
        cursor.goto_first_child,
        cursor.goto_next_sibling,
        cursor.goto_parent,
    )
    literals, comments = kinds.literals, kinds.comments
    while True:
        node = cursor.node
        kind = node.kind_id
        if kind in comments:
            pass
        elif kind in literals or not first_child():
            if node.end_byte > node.start_byte:
                yield node
        else:
            continue
        while not next_sibling():
            if not parent():
                return


def normalized_tokens(
    source: str | bytes,
    language: str,
    *,
    abstract_identifiers: bool = False,
    abstract_literals: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[str]:
    """The code's tokens without comments or whitespace.

    With ``abstract_identifiers`` every identifier becomes ``ID``; with
    ``abstract_literals`` every string, number, boolean or null literal becomes ``LIT``;
    so renamed copies of the same code produce the same stream.
    """
    parsed = parse_source(source, language, max_bytes)
    kinds = _token_kinds(parsed.language)
    data = parsed.data
    tokens: list[str] = []
    for node in _atoms(parsed.tree, kinds):
        kind = node.kind_id
        if abstract_identifiers and kind in kinds.identifiers:
            tokens.append(IDENTIFIER_TOKEN)
        elif abstract_literals and kind in kinds.literals:
            tokens.append(LITERAL_TOKEN)
        else:
            tokens.append(data[node.start_byte : node.end_byte].decode("utf-8", "replace"))
    return tokens


def token_bytes(parsed: ParsedSource) -> list[bytes]:
    """The tokens of :func:`normalized_tokens` (no abstraction) as raw UTF-8 slices of a source
    that is already parsed.

    Near-dedup shingles the token stream of every mined file right after the syntax check
    has parsed it; taking the tree from there, and bytes instead of decoded strings, spares
    a second parse and a decode and re-encode of every token.
    """
    data = parsed.data
    return [
        data[node.start_byte : node.end_byte]
        for node in _atoms(parsed.tree, _token_kinds(parsed.language))
    ]


@overload
def strip_comments(source: str, language: str, *, max_bytes: int = ...) -> str: ...
@overload
def strip_comments(source: bytes, language: str, *, max_bytes: int = ...) -> bytes: ...


def strip_comments(
    source: str | bytes, language: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> str | bytes:
    """``source`` with every comment removed; newlines inside comments are kept so that
    line numbers stay valid. Returns the same type it was given."""
    parsed = parse_source(source, language, max_bytes)
    kinds = _token_kinds(parsed.language)
    data = parsed.data
    pieces: list[bytes] = []
    position = 0
    for start, end in _comment_ranges(parsed.tree, kinds):
        pieces.append(data[position:start])
        pieces.append(b"\n" * data.count(b"\n", start, end))
        position = end
    pieces.append(data[position:])
    stripped = b"".join(pieces)
    if isinstance(source, str):
        return stripped.decode("utf-8", "surrogatepass")
    return stripped


def _comment_ranges(tree: Tree, kinds: _TokenKinds) -> Iterator[tuple[int, int]]:
    cursor = tree.walk()
    while True:
        node = cursor.node
        if node.kind_id in kinds.comments:
            yield node.start_byte, node.end_byte
        elif cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return
