"""Aspect tagging of commits: our own term lists (data files) and a pluggable classifier."""

from __future__ import annotations

from curation.aspects.tagger import AspectClassifier, TermTagger
from curation.aspects.terms import TermListError, load_terms, minimise, parse_terms

__all__ = [
    "AspectClassifier",
    "TermListError",
    "TermTagger",
    "load_terms",
    "minimise",
    "parse_terms",
]
