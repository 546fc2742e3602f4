"""Mutation operators over tree-sitter syntax trees, for the 8 languages.

Each operator finds *sites* in a parsed source (a node to replace, and the text that
replaces it). The grammar facts they need (which node types are binary expressions,
integer literals, conditions, droppable statements, and how to write a negation or an
empty statement) live in one :class:`MutationGrammar` per language, so the operators
themselves are language-agnostic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

OPERATORS: tuple[str, ...] = (
    "flip_comparison",
    "off_by_one",
    "negate_condition",
    "swap_operands",
    "drop_statement",
    "replace_arithmetic",
)
"""Operator names, in the round-robin order in which mutants are drawn."""

_FLIPPED = {
    "<": "<=",
    "<=": "<",
    ">": ">=",
    ">=": ">",
    "==": "!=",
    "!=": "==",
    "===": "!==",
    "!==": "===",
    "in": "not in",
    "not in": "in",
    "is": "is not",
    "is not": "is",
}
# Arithmetic operator replacement (PIT's math mutator): a one-line function such as
# ``return x + y`` or ``return n * n`` has no comparison, condition or literal to mutate.
_ARITHMETIC = {"+": "-", "-": "+", "*": "/", "/": "*", "%": "*", "**": "*", "//": "*"}
# Operators whose operands do not commute: swapping them changes the meaning.
_NON_COMMUTATIVE = frozenset({"-", "/", "//", "%", "<", ">", "<=", ">=", "<<", ">>", "**"})
_INTEGER = re.compile(r"^(\d+)([uUlL]*)$")


@dataclass(frozen=True)
class MutationGrammar:
    """Node types and spellings the operators need for one language."""

    binary: frozenset[str]
    integer: frozenset[str]
    conditional: frozenset[str]
    statements: frozenset[str]
    empty_statement: str
    negation: str = "!"
    # Ruby has no statement node: droppable expressions are children of these bodies.
    statement_parents: frozenset[str] = frozenset()
    # Conditions without a ``condition`` field: node type -> index among named children.
    positional_conditions: tuple[tuple[str, int], ...] = ()

    def negate(self, text: str) -> str:
        return f"{self.negation}({text})"


_C_FAMILY_CONDITIONALS = frozenset(
    {
        "if_statement",
        "while_statement",
        "do_statement",
        "conditional_expression",
        "ternary_expression",
    }
)

GRAMMARS: dict[str, MutationGrammar] = {
    "C": MutationGrammar(
        binary=frozenset({"binary_expression"}),
        integer=frozenset({"number_literal"}),
        conditional=_C_FAMILY_CONDITIONALS,
        statements=frozenset({"expression_statement"}),
        empty_statement=";",
    ),
    "Cpp": MutationGrammar(
        binary=frozenset({"binary_expression"}),
        integer=frozenset({"number_literal"}),
        conditional=_C_FAMILY_CONDITIONALS,
        statements=frozenset({"expression_statement"}),
        empty_statement=";",
    ),
    "CSharp": MutationGrammar(
        binary=frozenset({"binary_expression"}),
        integer=frozenset({"integer_literal"}),
        conditional=_C_FAMILY_CONDITIONALS,
        statements=frozenset({"expression_statement"}),
        empty_statement=";",
    ),
    "Go": MutationGrammar(
        binary=frozenset({"binary_expression"}),
        integer=frozenset({"int_literal"}),
        conditional=frozenset({"if_statement", "for_clause"}),
        statements=frozenset(
            {"expression_statement", "assignment_statement", "inc_statement", "dec_statement"}
        ),
        empty_statement="",
    ),
    "Java": MutationGrammar(
        binary=frozenset({"binary_expression"}),
        integer=frozenset({"decimal_integer_literal"}),
        conditional=_C_FAMILY_CONDITIONALS,
        statements=frozenset({"expression_statement"}),
        empty_statement=";",
    ),
    "JavaScript": MutationGrammar(
        binary=frozenset({"binary_expression"}),
        integer=frozenset({"number"}),
        conditional=_C_FAMILY_CONDITIONALS,
        statements=frozenset({"expression_statement"}),
        empty_statement=";",
    ),
    "Python": MutationGrammar(
        binary=frozenset({"binary_operator", "comparison_operator"}),
        integer=frozenset({"integer"}),
        conditional=frozenset(
            {
                "if_statement",
                "elif_clause",
                "while_statement",
                "if_clause",
                "conditional_expression",
            }
        ),
        statements=frozenset({"expression_statement"}),
        empty_statement="pass",
        negation="not ",
        positional_conditions=(("if_clause", 0), ("conditional_expression", 1)),
    ),
    "Ruby": MutationGrammar(
        binary=frozenset({"binary"}),
        integer=frozenset({"integer"}),
        conditional=frozenset(
            {"if", "unless", "while", "until", "if_modifier", "unless_modifier", "conditional"}
        ),
        statements=frozenset({"assignment", "operator_assignment", "call"}),
        empty_statement="nil",
        statement_parents=frozenset({"body_statement", "then", "else", "do", "block_body"}),
    ),
}


@dataclass(frozen=True)
class Site:
    """One possible mutation: replace bytes ``[start, end)`` of the source with ``text``."""

    operator: str
    start: int
    end: int
    text: str


def _binary_parts(node: Node) -> tuple[Node, Node, Node] | None:
    """(left, operator token, right) of a two-operand binary node, else None."""
    operands = [child for child in node.children if child.is_named and child.type != "comment"]
    tokens = [child for child in node.children if not child.is_named]
    if len(operands) != 2 or len(tokens) != 1:
        return None
    left, right = operands
    token = tokens[0]
    if not left.end_byte <= token.start_byte <= token.end_byte <= right.start_byte:
        return None
    return left, token, right


def flip_comparison(node: Node, grammar: MutationGrammar) -> Iterator[Site]:
    """``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=``: boundary and equality bugs."""
    if node.type in grammar.binary and (parts := _binary_parts(node)) is not None:
        token = parts[1]
        flipped = _FLIPPED.get(token.type)
        if flipped is not None:
            yield Site("flip_comparison", token.start_byte, token.end_byte, flipped)


def off_by_one(node: Node, grammar: MutationGrammar) -> Iterator[Site]:
    """A decimal integer literal plus one, and minus one when it stays non-negative."""
    if node.type in grammar.integer and node.text is not None:
        match = _INTEGER.match(node.text.decode("utf-8", "replace"))
        if match is not None:
            value, suffix = int(match.group(1)), match.group(2)
            yield Site("off_by_one", node.start_byte, node.end_byte, f"{value + 1}{suffix}")
            if value > 0:
                yield Site("off_by_one", node.start_byte, node.end_byte, f"{value - 1}{suffix}")


def negate_condition(node: Node, grammar: MutationGrammar) -> Iterator[Site]:
    """The condition of an if/while/ternary wrapped in a negation."""
    if node.type not in grammar.conditional:
        return
    condition = node.child_by_field_name("condition")
    position = dict(grammar.positional_conditions).get(node.type)
    if condition is None and position is not None:
        named = [child for child in node.children if child.is_named and child.type != "comment"]
        condition = named[position] if len(named) > position else None
    if condition is None or condition.text is None:
        return
    if condition.type in ("parenthesized_expression", "condition_clause"):
        inner = [child for child in condition.children if child.is_named]
        if len(inner) != 1 or inner[0].text is None:
            return
        condition = inner[0]
    text = condition.text.decode("utf-8", "replace")
    yield Site("negate_condition", condition.start_byte, condition.end_byte, grammar.negate(text))


def swap_operands(node: Node, grammar: MutationGrammar) -> Iterator[Site]:
    """``a - b`` -> ``b - a`` for operators whose operands do not commute."""
    if node.type in grammar.binary and (parts := _binary_parts(node)) is not None:
        left, token, right = parts
        if token.type in _NON_COMMUTATIVE and left.text is not None and right.text is not None:
            source_between = node.text[
                left.end_byte - node.start_byte : right.start_byte - node.start_byte
            ]  # type: ignore[index]
            text = right.text + source_between + left.text
            yield Site(
                "swap_operands", left.start_byte, right.end_byte, text.decode("utf-8", "replace")
            )


def replace_arithmetic(node: Node, grammar: MutationGrammar) -> Iterator[Site]:
    """``+`` <-> ``-``, ``*`` <-> ``/``, ``%`` -> ``*``: the wrong arithmetic operator.

    On strings ``+`` becomes ``-``: a compile error in typed languages (never paired), a
    failing run in Python and JavaScript.
    """
    if node.type in grammar.binary and (parts := _binary_parts(node)) is not None:
        token = parts[1]
        replaced = _ARITHMETIC.get(token.type)
        if replaced is not None:
            yield Site("replace_arithmetic", token.start_byte, token.end_byte, replaced)


def drop_statement(node: Node, grammar: MutationGrammar) -> Iterator[Site]:
    """An expression statement replaced by the language's empty statement."""
    if node.type not in grammar.statements:
        return
    if grammar.statement_parents and (
        node.parent is None or node.parent.type not in grammar.statement_parents
    ):
        return
    named = [child for child in node.children if child.is_named]
    if len(named) == 1 and named[0].type in ("string", "comment"):
        return  # a docstring: dropping it changes nothing that runs
    yield Site("drop_statement", node.start_byte, node.end_byte, grammar.empty_statement)


OPERATOR_FUNCTIONS: dict[str, Callable[[Node, MutationGrammar], Iterator[Site]]] = {
    "flip_comparison": flip_comparison,
    "off_by_one": off_by_one,
    "negate_condition": negate_condition,
    "swap_operands": swap_operands,
    "drop_statement": drop_statement,
    "replace_arithmetic": replace_arithmetic,
}
