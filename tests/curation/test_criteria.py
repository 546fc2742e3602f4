from __future__ import annotations

import random

import pytest

from curation.criteria import (
    ASPECTS,
    UnknownAspectError,
    all_criteria_system_prompt,
    aspect_system_prompt,
    normalize_aspect,
)


def test_aspects_are_the_crb_spellings() -> None:
    assert ASPECTS == (
        "Functional_Correctness",
        "Runtime_Efficiency",
        "Memory_Efficiency",
        "Readability_Maintainability",
        "Security_Hardness",
    )


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("functional correctness", "Functional_Correctness"),
        ("Runtime-Efficiency", "Runtime_Efficiency"),
        ("memory", "Memory_Efficiency"),
        ("readability", "Readability_Maintainability"),
        ("SECURITY_HARDNESS", "Security_Hardness"),
    ],
)
def test_aspect_aliases(alias: str, canonical: str) -> None:
    assert normalize_aspect(alias) == canonical


def test_unknown_aspect_is_named() -> None:
    with pytest.raises(UnknownAspectError, match="'Style'"):
        normalize_aspect("Style")


def test_system_prompts() -> None:
    assert "Security Hardness" in aspect_system_prompt("security")
    fixed = all_criteria_system_prompt()
    assert [line.split(":")[0] for line in fixed.splitlines()[1:]] == [
        "- " + name.replace("_", " ") for name in ASPECTS
    ]
    orders = {all_criteria_system_prompt(rng=random.Random(seed)) for seed in range(20)}
    assert len(orders) > 5
    assert all_criteria_system_prompt(rng=random.Random(3)) == all_criteria_system_prompt(
        rng=random.Random(3)
    )
