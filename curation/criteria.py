"""The five preference criteria (aspects) with their canonical names and descriptions.

Canonical names are the Themis-CodeRewardBench spellings. The one-line descriptions are
codepref's own wording; system prompts (rm/ training, assembly, bench/ scoring) and the
LLM judge templates all read them from here so that a model sees one consistent text.
"""

from __future__ import annotations

import random
from collections.abc import Sequence


class UnknownAspectError(ValueError):
    """Raised for an aspect name that is neither canonical nor a known alias."""


ASPECT_DESCRIPTIONS: dict[str, str] = {
    "Functional_Correctness": (
        "The code does what the task asks for every valid input, including edge cases, "
        "and fails loudly rather than silently on invalid input."
    ),
    "Runtime_Efficiency": (
        "The code uses algorithms and data structures with low time complexity and avoids "
        "needless work, so it finishes quickly on large inputs."
    ),
    "Memory_Efficiency": (
        "The code keeps its peak memory small: no needless copies, unbounded buffers or "
        "structures larger than the problem requires."
    ),
    "Readability_Maintainability": (
        "The code is easy to read and change: clear names, small focused units, consistent "
        "style, no duplication, and comments where the intent is not obvious."
    ),
    "Security_Hardness": (
        "The code resists misuse and attack: validated input, no injection, overflow or "
        "unsafe deserialisation, safe handling of secrets, files and resources."
    ),
}

ASPECTS: tuple[str, ...] = tuple(ASPECT_DESCRIPTIONS)


def _alias_key(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").replace("-", " ").split())


_ALIASES: dict[str, str] = {
    **{_alias_key(name): name for name in ASPECTS},
    "correctness": "Functional_Correctness",
    "functional correctness": "Functional_Correctness",
    "fc": "Functional_Correctness",
    "runtime": "Runtime_Efficiency",
    "runtime efficiency": "Runtime_Efficiency",
    "efficiency": "Runtime_Efficiency",
    "performance": "Runtime_Efficiency",
    "re": "Runtime_Efficiency",
    "memory": "Memory_Efficiency",
    "memory efficiency": "Memory_Efficiency",
    "me": "Memory_Efficiency",
    "readability": "Readability_Maintainability",
    "maintainability": "Readability_Maintainability",
    "readability & maintainability": "Readability_Maintainability",
    "r&m": "Readability_Maintainability",
    "security": "Security_Hardness",
    "security hardness": "Security_Hardness",
    "sh": "Security_Hardness",
}


def normalize_aspect(name: str) -> str:
    """Return the canonical aspect name for a canonical name or alias."""
    canonical = _ALIASES.get(_alias_key(name))
    if canonical is None:
        raise UnknownAspectError(f"unknown aspect {name!r}; expected one of {', '.join(ASPECTS)}")
    return canonical


def aspect_system_prompt(aspect: str) -> str:
    """A system prompt that asks for code judged on one criterion."""
    canonical = normalize_aspect(aspect)
    title = canonical.replace("_", " ")
    return f"You are judged on {title}. {ASPECT_DESCRIPTIONS[canonical]}"


def all_criteria_system_prompt(
    order: Sequence[str] | None = None, rng: random.Random | None = None
) -> str:
    """A system prompt listing every criterion; shuffled when ``rng`` is given.

    Shuffling the order (as the published training recipe does) keeps a reward model from
    learning that the first-listed criterion is the one that matters.
    """
    names = list(order) if order is not None else list(ASPECTS)
    if rng is not None:
        rng.shuffle(names)
    lines = [f"- {name.replace('_', ' ')}: {ASPECT_DESCRIPTIONS[name]}" for name in names]
    return "Write code that is good on every criterion below.\n" + "\n".join(lines)
