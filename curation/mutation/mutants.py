"""Mutants of a solution: every operator site, applied one at a time, kept if it parses.

Mutants are the cheapest source of realistic wrong code with a known correct twin: a
mutant that compiles and fails a test is a verified Functional_Correctness rejected side.
Which mutants compile, fail or survive (equivalent mutants) is decided by running them;
this module only generates them, deterministically, so reruns produce the same ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from tree_sitter import Node

from curation.languages import get_language, normalize_language
from curation.mutation.operators import GRAMMARS, OPERATOR_FUNCTIONS, OPERATORS, Site


@dataclass(frozen=True)
class Mutant:
    """A mutated source: which operator, where (1-based line), what changed, and the code."""

    operator: str
    line: int
    original: str
    replacement: str
    code: str

    @property
    def digest(self) -> str:
        """A short stable id of the mutated code."""
        return hashlib.sha256(self.code.encode("utf-8")).hexdigest()[:12]


def _walk(node: Node) -> Iterator[Node]:
    cursor = node.walk()
    visited_children = False
    while True:
        if not visited_children:
            yield cursor.node  # type: ignore[misc]
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            visited_children = False
        elif cursor.goto_parent():
            visited_children = True
        else:
            return


def find_sites(
    code: str, language: str, operators: Sequence[str] = OPERATORS, start_byte: int = 0
) -> list[Site]:
    """Every site of the given operators in ``code`` at or after ``start_byte``
    (HumanEval-X mutates only the solution body, not the prompt before it)."""
    language = normalize_language(language)
    unknown = sorted(set(operators) - set(OPERATOR_FUNCTIONS))
    if unknown:
        raise ValueError(f"unknown mutation operators {unknown}; expected some of {OPERATORS}")
    grammar = GRAMMARS[language]
    tree = get_language(language).parser().parse(code.encode("utf-8"))
    sites: list[Site] = []
    for node in _walk(tree.root_node):
        if node.start_byte < start_byte:
            continue
        for name in operators:
            sites.extend(OPERATOR_FUNCTIONS[name](node, grammar))
    return sites


def _parses(code: bytes, language: str) -> bool:
    return not get_language(language).parser().parse(code).root_node.has_error


def _round_robin(sites: Iterable[Site], operators: Sequence[str]) -> list[Site]:
    """Sites interleaved across operators, so that a cap keeps a mix of bug kinds."""
    queues = {name: [site for site in sites if site.operator == name] for name in operators}
    ordered: list[Site] = []
    while any(queues.values()):
        for name in operators:
            if queues[name]:
                ordered.append(queues[name].pop(0))
    return ordered


# Real functions and files are far smaller; a generated or minified blob is not worth minutes.
MAX_SOURCE_BYTES = 256 * 1024


def generate_mutants(
    code: str,
    language: str,
    operators: Sequence[str] = OPERATORS,
    limit: int | None = None,
    start_byte: int = 0,
) -> list[Mutant]:
    """Distinct mutants of ``code`` that still parse, interleaved across operators.

    ``start_byte`` is a byte offset into the UTF-8 code. Mutants identical to the
    original or to an earlier mutant, and mutants tree-sitter cannot parse, are dropped.
    Code over :data:`MAX_SOURCE_BYTES` is refused: every mutant re-parses the whole file.
    """
    language = normalize_language(language)
    data = code.encode("utf-8")
    if len(data) > MAX_SOURCE_BYTES:
        raise ValueError(
            f"source of {len(data)} bytes is over the {MAX_SOURCE_BYTES}-byte mutation cap "
            "(each mutant re-parses the file); mutate a smaller file or function"
        )
    original_parses = _parses(data, language)
    seen = {data}
    mutants: list[Mutant] = []
    for site in _round_robin(find_sites(code, language, operators, start_byte), operators):
        mutated = data[: site.start] + site.text.encode("utf-8") + data[site.end :]
        if mutated in seen:
            continue
        seen.add(mutated)
        if original_parses and not _parses(mutated, language):
            continue
        mutants.append(
            Mutant(
                operator=site.operator,
                line=data.count(b"\n", 0, site.start) + 1,
                original=data[site.start : site.end].decode("utf-8", "replace"),
                replacement=site.text,
                code=mutated.decode("utf-8"),
            )
        )
        if limit is not None and len(mutants) >= limit:
            break
    return mutants
