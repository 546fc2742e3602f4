"""System prompts per pair: none, the pair's own aspect, or all criteria in shuffled order.

Mixing the three teaches a reward model to score with or without being told the criterion
(the published recipe uses 15 % none / 60 % own aspect / 25 % all criteria). The choice is
drawn from a generator seeded by (seed, pair id), so a pair gets the same system prompt in
every run regardless of how rows are ordered or sharded across workers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from curation.criteria import all_criteria_system_prompt, aspect_system_prompt

SYSTEM_MODES: tuple[str, ...] = ("none", "aspect", "all_criteria")


@dataclass(frozen=True)
class SystemPromptShares:
    """Relative shares of the three modes; they need not sum to 1 (15/60/25 works)."""

    none: float = 0.15
    aspect: float = 0.60
    all_criteria: float = 0.25

    def __post_init__(self) -> None:
        weights = (self.none, self.aspect, self.all_criteria)
        if any(weight < 0 for weight in weights) or sum(weights) <= 0:
            raise ValueError(f"system prompt shares must be >= 0 with a positive sum: {weights}")

    @classmethod
    def parse(cls, text: str) -> SystemPromptShares:
        """``"15,60,25"`` (none, aspect, all criteria)."""
        parts = [part.strip() for part in text.split(",")]
        if len(parts) != 3:
            raise ValueError(f"expected three shares none,aspect,all_criteria; got {text!r}")
        try:
            none, aspect, all_criteria = (float(part) for part in parts)
        except ValueError as error:
            raise ValueError(f"system prompt shares must be numbers: {text!r}") from error
        return cls(none, aspect, all_criteria)

    def fractions(self) -> dict[str, float]:
        total = self.none + self.aspect + self.all_criteria
        return {
            "none": self.none / total,
            "aspect": self.aspect / total,
            "all_criteria": self.all_criteria / total,
        }


def choose_system_prompt(
    pair_id: str, aspect: str, shares: SystemPromptShares, seed: int = 0
) -> tuple[str, str | None]:
    """The mode drawn for this pair and its system prompt text (``None`` for mode none)."""
    rng = random.Random(f"{seed}:system:{pair_id}")
    fractions = shares.fractions()
    mode = rng.choices(SYSTEM_MODES, weights=[fractions[mode] for mode in SYSTEM_MODES])[0]
    if mode == "none":
        return mode, None
    if mode == "aspect":
        return mode, aspect_system_prompt(aspect)
    return mode, all_criteria_system_prompt(rng=rng)
