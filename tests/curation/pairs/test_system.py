"""Tests of ``curation/pairs/system.py``."""

from __future__ import annotations

from collections import Counter

import pytest

from curation.criteria import ASPECT_DESCRIPTIONS, ASPECTS, aspect_system_prompt
from curation.pairs.system import (
    SystemPromptShares,
    choose_system_prompt,
    fixed_system_prompt,
    with_system_prompts,
)
from tests.fixtures.pair_frames import pair_frame


def test_system_prompts_follow_shares_and_seed() -> None:
    frame = pair_frame(4000)
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
    frame = pair_frame(3, system=["be brief", None, None])
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


def test_system_prompt_shares_are_met_and_seeded_per_pair():
    shares = SystemPromptShares()
    modes = Counter()
    for i in range(6000):
        mode, text = choose_system_prompt(f"id{i}", "Runtime_Efficiency", shares, seed=3)
        modes[mode] += 1
        if mode == "none":
            assert text is None
        elif mode == "aspect":
            assert text == aspect_system_prompt("Runtime_Efficiency")
        else:
            assert all(aspect.replace("_", " ") in text for aspect in ASPECTS)
    # 6000 draws: the binomial standard deviation of a share is <= 0.0065; allow 4 sigma.
    assert abs(modes["none"] / 6000 - 0.15) < 0.026
    assert abs(modes["aspect"] / 6000 - 0.60) < 0.026
    assert abs(modes["all"] / 6000 - 0.25) < 0.026
    assert choose_system_prompt("x", "Memory_Efficiency", shares, 1) == choose_system_prompt(
        "x", "Memory_Efficiency", shares, 1
    )


def test_all_criteria_prompts_are_shuffled():
    shares = SystemPromptShares(0, 0, 1)
    orders = {
        tuple(line.split(":")[0] for line in text.splitlines()[1:])
        for text in (
            choose_system_prompt(f"id{i}", "Memory_Efficiency", shares)[1] for i in range(50)
        )
    }
    assert len(orders) > 10


def test_shares_parse_and_reject_nonsense():
    assert SystemPromptShares.parse("15,60,25").fractions()["aspect"] == pytest.approx(0.6)
    assert SystemPromptShares.parse("0,1,0").fractions() == {
        "none": 0.0,
        "aspect": 1.0,
        "all": 0.0,
    }
    with pytest.raises(ValueError):
        SystemPromptShares.parse("1,2")
    with pytest.raises(ValueError):
        SystemPromptShares(-1, 1, 1)
