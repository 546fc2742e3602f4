"""The packaged aspect term lists (``curation/aspects/terms.py``)."""

from __future__ import annotations

import pytest

from curation.aspects.terms import TermListError, load_terms, minimise, parse_terms
from curation.criteria import ASPECTS


def test_every_aspect_has_a_minimal_lowercase_list() -> None:
    lists = load_terms()
    assert tuple(lists) == ASPECTS
    for aspect, terms in lists.items():
        assert len(terms) >= 15, aspect
        assert minimise(list(terms)) == list(terms), aspect
        assert all(t == t.lower().strip() and t for t in terms), aspect


def test_minimise_drops_terms_containing_others() -> None:
    assert minimise(["memory leak", "leak", "leaks", "slow", "slow"]) == ["leak", "slow"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("leak\nmemory leak", "'memory leak' contains 'leak'"),
        ("Leak", "not lowercase"),
        ("leak\nleak", "appears twice"),
    ],
)
def test_bad_lists_are_rejected(text: str, message: str) -> None:
    with pytest.raises(TermListError, match=message):
        parse_terms(text, "terms/x.txt")


def test_comments_and_blank_lines() -> None:
    assert parse_terms("# header\n\n slow \nfaster\n") == ["slow", "faster"]
