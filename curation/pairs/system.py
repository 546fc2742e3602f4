"""System prompts per pair: none, the pair's own aspect, or all criteria in shuffled order.

Mixing the three teaches a reward model to score with or without being told the criterion
(the published recipe uses 15 % none / 60 % own aspect / 25 % all criteria). The choice is
drawn from a generator seeded by (seed, pair id), so a pair gets the same system prompt in
every run regardless of how rows are ordered or sharded across workers.

The mode is spelled ``none``, ``aspect`` or ``all`` everywhere (assembly, training, scoring,
the ``system_kind`` column of the ``pairs`` schema). A recorded ``system_kind`` is honoured
by every reader: ``none`` means "no system prompt", not "not given", so a null ``system``
with kind ``none`` is never drawn again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import polars as pl

from curation.criteria import all_criteria_system_prompt, aspect_system_prompt
from curation.shares import parse_shares

SYSTEM_MODES: tuple[str, ...] = ("none", "aspect", "all")
# ``given``: keep the pair's own ``system`` text (scoring only).
FIXED_MODES: tuple[str, ...] = (*SYSTEM_MODES, "given")


@dataclass(frozen=True)
class SystemPromptShares:
    """Relative shares of the three modes; they need not sum to 1 (15/60/25 works)."""

    none: float = 0.15
    aspect: float = 0.60
    all: float = 0.25

    def __post_init__(self) -> None:
        weights = (self.none, self.aspect, self.all)
        if any(weight < 0 for weight in weights) or sum(weights) <= 0:
            raise ValueError(f"system prompt shares must be >= 0 with a positive sum: {weights}")

    @classmethod
    def parse(cls, text: str) -> SystemPromptShares:
        """``"15,60,25"`` (none, aspect, all)."""
        return cls(*parse_shares(text, SYSTEM_MODES, "system prompt shares"))

    def fractions(self) -> dict[str, float]:
        total = self.none + self.aspect + self.all
        return {"none": self.none / total, "aspect": self.aspect / total, "all": self.all / total}


def _rng(pair_id: str, seed: int) -> random.Random:
    return random.Random(f"{seed}:system:{pair_id}")


def system_prompt(mode: str, aspect: str | None, rng: random.Random) -> str | None:
    """The text of a mode for a pair (``None`` for mode none; all criteria without an aspect)."""
    if mode == "none":
        return None
    if mode == "aspect" and aspect is not None:
        return aspect_system_prompt(aspect)
    if mode in ("aspect", "all"):
        return all_criteria_system_prompt(rng=rng)
    raise ValueError(
        f"unknown system prompt mode {mode!r}; expected one of {', '.join(FIXED_MODES)}"
    )


def choose_system_prompt(
    pair_id: str, aspect: str | None, shares: SystemPromptShares, seed: int = 0
) -> tuple[str, str | None]:
    """The mode drawn for this pair and its system prompt text (``None`` for mode none)."""
    rng = _rng(pair_id, seed)
    fractions = shares.fractions()
    mode = rng.choices(SYSTEM_MODES, weights=[fractions[mode] for mode in SYSTEM_MODES])[0]
    if mode == "aspect" and aspect is None:
        mode = "all"
    return mode, system_prompt(mode, aspect, rng)


def fixed_system_prompt(pair_id: str, aspect: str | None, mode: str, seed: int = 0) -> str | None:
    """One mode for every pair (scoring); ``all`` shuffles the criteria per pair, seeded."""
    return system_prompt(mode, aspect, _rng(pair_id, seed))


def with_system_prompts(
    frame: pl.DataFrame, mode: str | SystemPromptShares, seed: int = 0
) -> pl.DataFrame:
    """``frame`` with ``system_kind`` and ``system`` columns.

    ``mode`` is one fixed mode for every pair (``none``, ``aspect``, ``all``, or ``given``:
    the pair's own ``system`` column), or shares to draw from. When drawing, a pair that
    records its ``system_kind`` keeps it (and its ``system`` text); a pair with a ``system``
    text but no kind keeps it as ``given``; only the rest are drawn.
    """
    n = frame.height
    ids = frame["id"].to_list()
    aspects = frame["aspect"].to_list() if "aspect" in frame.columns else [None] * n
    given = frame["system"].to_list() if "system" in frame.columns else [None] * n
    kinds_in = frame["system_kind"].to_list() if "system_kind" in frame.columns else [None] * n
    kinds: list[str] = []
    texts: list[str | None] = []
    if isinstance(mode, str):
        if mode not in FIXED_MODES:
            raise ValueError(
                f"system prompt mode must be one of {', '.join(FIXED_MODES)}, not {mode!r}"
            )
        for pair_id, aspect, system, kind in zip(ids, aspects, given, kinds_in, strict=True):
            if mode == "given":
                kinds.append(kind or ("given" if system else "none"))
                texts.append(system)
            else:
                kinds.append(mode if mode != "aspect" or aspect is not None else "all")
                texts.append(fixed_system_prompt(pair_id, aspect, mode, seed))
    else:
        for pair_id, aspect, system, kind in zip(ids, aspects, given, kinds_in, strict=True):
            if kind is not None:
                if kind not in SYSTEM_MODES and kind != "given":
                    raise ValueError(f"pair {pair_id!r}: unknown system_kind {kind!r}")
                kinds.append(kind)
                texts.append(
                    None
                    if kind == "none"
                    else (system or fixed_system_prompt(pair_id, aspect, kind, seed))
                )
            elif system:
                kinds.append("given")
                texts.append(system)
            else:
                drawn, text = choose_system_prompt(pair_id, aspect, mode, seed)
                kinds.append(drawn)
                texts.append(text)
    return frame.with_columns(
        pl.Series("system_kind", kinds, dtype=pl.Utf8), pl.Series("system", texts, dtype=pl.Utf8)
    )
