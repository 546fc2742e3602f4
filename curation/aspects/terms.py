"""Aspect term lists: data files under ``curation/aspects/term_lists/``, one per aspect.

The lists are ours (written for this project, not copied from a paper) and kept as data
so that they can be reviewed and extended without touching code. A term matches as a
substring of the lowercased subject and message, so a list must be *minimal*: a term that
contains another term of the same list could never add a match and only hides the
shorter one, and :func:`load_terms` rejects such a list with both terms named.
"""

from __future__ import annotations

import functools
from importlib import resources

from curation.criteria import ASPECTS


class TermListError(ValueError):
    """A term list breaks a rule: not lowercase, duplicated, or containing another term."""


def minimise(terms: list[str]) -> list[str]:
    """``terms`` without the ones that contain another term (first spelling kept)."""
    unique = list(dict.fromkeys(terms))
    return [t for t in unique if not any(o != t and o in t for o in unique)]


def parse_terms(text: str, source: str = "<terms>") -> list[str]:
    """Terms of one list file: one per line; blank lines and ``#`` comments are ignored."""
    terms = [line.strip() for line in text.splitlines()]
    terms = [t for t in terms if t and not t.startswith("#")]
    for term in terms:
        if term != term.lower():
            raise TermListError(f"{source}: term {term!r} is not lowercase")
    seen: set[str] = set()
    for term in terms:
        if term in seen:
            raise TermListError(f"{source}: term {term!r} appears twice")
        seen.add(term)
    for term in terms:
        for other in terms:
            if other != term and other in term:
                raise TermListError(
                    f"{source}: term {term!r} contains {other!r}; keep only {other!r}"
                )
    return terms


@functools.cache
def load_terms() -> dict[str, tuple[str, ...]]:
    """The packaged term list of every aspect, validated."""
    folder = resources.files("curation.aspects.term_lists")
    lists: dict[str, tuple[str, ...]] = {}
    for aspect in ASPECTS:
        entry = folder / f"{aspect}.txt"
        lists[aspect] = tuple(parse_terms(entry.read_text("utf-8"), f"term_lists/{aspect}.txt"))
    return lists
