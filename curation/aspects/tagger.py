"""Multi-label aspect tagging of commits, behind an interface a learned model can fill.

:class:`TermTagger` is the default: an aspect applies when one of its terms occurs in the
subject or message. A learned tagger (a classifier over the message and diff) plugs in by
implementing :class:`AspectClassifier`; the pipeline step only ever calls ``classify``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from curation.aspects.terms import load_terms, parse_terms
from curation.criteria import ASPECTS, normalize_aspect


@runtime_checkable
class AspectClassifier(Protocol):
    """Anything that maps a commit's text to zero or more of the 5 aspects."""

    name: str

    def classify(self, subject: str, message: str, diff: str | None = None) -> list[str]:
        """The aspects of one commit, canonical spellings, in ``ASPECTS`` order."""
        ...


class TermTagger:
    """Substring match of per-aspect term lists on the lowercased subject and message."""

    name = "terms"

    def __init__(self, terms: Mapping[str, Sequence[str]] | None = None) -> None:
        lists = dict(terms) if terms is not None else load_terms()
        self.terms: dict[str, tuple[str, ...]] = {}
        for aspect, aspect_terms in lists.items():
            canonical = normalize_aspect(aspect)
            self.terms[canonical] = tuple(parse_terms("\n".join(aspect_terms), canonical))
        # One alternation per aspect: a single C-level scan instead of a loop over terms.
        self._patterns = {
            aspect: re.compile("|".join(map(re.escape, terms)))
            for aspect, terms in self.terms.items()
            if terms
        }

    def classify(self, subject: str, message: str, diff: str | None = None) -> list[str]:
        text = f"{subject}\n{message}".lower()
        return [a for a in ASPECTS if (p := self._patterns.get(a)) is not None and p.search(text)]

    def matches(self, subject: str, message: str) -> dict[str, list[str]]:
        """Which terms matched, per aspect: the evidence behind a tag."""
        text = f"{subject}\n{message}".lower()
        found = {a: [t for t in terms if t in text] for a, terms in self.terms.items()}
        return {a: t for a, t in found.items() if t}
