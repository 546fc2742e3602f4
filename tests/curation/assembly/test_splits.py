"""Tests of ``curation/assembly/splits.py``."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from curation.assembly import (
    AssemblyConfig,
    SplitFractions,
    assemble_pairs,
    group_key,
    parse_row,
    split_for_group,
)
from curation.criteria import ASPECTS
from tests.fixtures.assembly_producers import row, write


def test_group_key_prefers_group_then_repo_then_problem_then_prompt():
    def pair(**overrides: Any):
        return parse_row(row(1, **overrides), "f.parquet", 0)

    assert group_key(pair(group="g7")) == "group:g7"
    assert group_key(pair(evidence=json.dumps({"repo": "o/r", "problem_id": "p"}))) == "repo:o/r"
    assert group_key(pair()) == "problem:prob-1"
    prompt_key = group_key(pair(evidence=None))
    assert prompt_key.startswith("prompt:")
    assert group_key(pair(evidence=None, prompt="Write a function that returns 1.\r\n")) == (
        prompt_key
    )


def test_split_of_a_group_is_deterministic_and_follows_the_fractions():
    fractions = SplitFractions(0.8, 0.1, 0.1)
    splits = Counter(split_for_group(f"repo:r{i}", fractions, seed=5) for i in range(5000))
    assert abs(splits["train"] / 5000 - 0.8) < 0.03
    assert abs(splits["test"] / 5000 - 0.1) < 0.03
    assert split_for_group("repo:x", fractions, 5) == split_for_group("repo:x", fractions, 5)
    assert {split_for_group(f"g{i}", SplitFractions(1.0, 0.0, 0.0)) for i in range(200)} == {
        "train"
    }
    with pytest.raises(ValueError):
        SplitFractions(0.5, 0.2, 0.2)


def test_no_group_spans_two_splits_and_row_order_does_not_matter(tmp_path: Path):
    rows = [
        row(
            i,
            evidence=json.dumps({"repo": f"org/repo{i % 37}"}),
            aspect=ASPECTS[i % len(ASPECTS)],
        )
        for i in range(600)
    ]
    config = AssemblyConfig(splits=SplitFractions(0.6, 0.2, 0.2), seed=11)
    first = assemble_pairs([write(tmp_path / "a.parquet", rows)], config)
    shuffled = rows[:]
    random.Random(0).shuffle(shuffled)
    second = assemble_pairs([write(tmp_path / "b.parquet", shuffled)], config)
    groups: dict[str, set[str]] = {}
    for pair in first.pairs:
        groups.setdefault(group_key(pair), set()).add(pair.split or "")
    assert len(groups) == 37
    assert all(len(splits) == 1 for splits in groups.values())
    assert {s for splits in groups.values() for s in splits} == {"train", "validation", "test"}
    assert [(p.id, p.split, p.system) for p in first.pairs] == [
        (p.id, p.split, p.system) for p in second.pairs
    ]
