"""Tests of ``curation/pairs/system.py``."""

from __future__ import annotations

from collections import Counter

import pytest

from curation.assembly import (
    SystemPromptShares,
    choose_system_prompt,
)
from curation.criteria import ASPECTS, aspect_system_prompt


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
