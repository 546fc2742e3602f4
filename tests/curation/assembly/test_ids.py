"""Tests of ``curation/assembly/ids.py``."""

from __future__ import annotations

from curation.assembly import (
    pair_id,
)


def test_pair_id_ignores_line_endings_and_trailing_space_but_not_meaning():
    base = pair_id("p", "a = 1\nb = 2\n", "a = 2\n", "Functional_Correctness")
    assert len(base) == 32 and int(base, 16) >= 0
    assert pair_id("p\r\n", "a = 1  \r\nb = 2\r\n\r\n", "\na = 2", "Functional_Correctness") == base
    assert pair_id("p", "a = 2\n", "a = 1\nb = 2\n", "Functional_Correctness") != base
    assert pair_id("p", "a = 1\nb = 2\n", "a = 2\n", "Runtime_Efficiency") != base
    assert pair_id("p", "a = 1\n  b = 2\n", "a = 2\n", "Functional_Correctness") != base
