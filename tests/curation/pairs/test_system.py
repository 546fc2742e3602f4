"""Tests of ``curation/pairs/system.py``."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest

from curation.criteria import ASPECT_DESCRIPTIONS
from curation.pairs.system import SystemPromptShares, fixed_system_prompt, with_system_prompts


def _frame(n: int = 4, **extra) -> pl.DataFrame:
    data = {
        "id": [f"p{i}" for i in range(n)],
        "prompt": [f"task {i}" for i in range(n)],
        "chosen": ["def f():\n    return 1"] * n,
        "rejected": ["def f(:\n    return"] * n,
        "language": ["Python"] * n,
        "aspect": ["Functional_Correctness"] * n,
    }
    data.update(extra)
    return pl.DataFrame(data)


def test_system_prompts_follow_shares_and_seed() -> None:
    frame = _frame(4000)
    shares = SystemPromptShares()
    drawn = with_system_prompts(frame, shares, seed=3)
    counts = Counter(drawn["system_kind"])
    assert abs(counts["none"] / 4000 - 0.15) < 0.03
    assert abs(counts["aspect"] / 4000 - 0.60) < 0.03
    assert abs(counts["all"] / 4000 - 0.25) < 0.03
    assert (
        drawn["system_kind"].to_list()
        == with_system_prompts(frame, shares, seed=3)["system_kind"].to_list()
    )
    rows = drawn.to_dicts()
    aspect_row = next(r for r in rows if r["system_kind"] == "aspect")
    assert "Functional Correctness" in aspect_row["system"]
    all_rows = [r["system"] for r in rows if r["system_kind"] == "all"]
    assert all(r.count("\n- ") == 5 for r in all_rows)
    assert len(set(all_rows)) > 20  # shuffled order differs between pairs
    assert all(r["system"] is None for r in rows if r["system_kind"] == "none")


def test_given_system_prompt_is_kept() -> None:
    frame = _frame(3, system=["be brief", None, None])
    drawn = with_system_prompts(frame, SystemPromptShares(1, 0, 0))
    assert drawn["system_kind"].to_list() == ["given", "none", "none"]
    assert drawn["system"][0] == "be brief"
    with pytest.raises(ValueError):
        SystemPromptShares(-1, 0, 0)


def test_fixed_modes_one_spelling_each() -> None:
    assert fixed_system_prompt("p", "Memory_Efficiency", "none") is None
    assert ASPECT_DESCRIPTIONS["Memory_Efficiency"] in fixed_system_prompt(
        "p", "Memory_Efficiency", "aspect"
    )
    every = fixed_system_prompt("p", "Memory_Efficiency", "all")
    assert all(text in every for text in ASPECT_DESCRIPTIONS.values())
    # the same pair gets the same shuffled order from every caller
    assert every == fixed_system_prompt("p", "Memory_Efficiency", "all")
    for old_spelling in ("full", "all_criteria", "some"):
        with pytest.raises(ValueError, match="unknown system prompt mode"):
            fixed_system_prompt("p", "Memory_Efficiency", old_spelling)
