"""Surface shortcuts at assembly: the table in ``stats.json`` and the card, and the option
to balance them away (see :mod:`curation.pairs.shortcuts` for the features and the rule)."""

from __future__ import annotations

from typing import Any

import polars as pl

from curation.assembly.records import DropLog, Pair
from curation.pairs.shortcuts import (
    DEFAULT_MAX_ACCURACY,
    balance_pairs,
    shortcut_markdown,
    shortcut_records,
)

SHORTCUT_DROP = "surface_shortcut"


def _frame(pairs: list[Pair]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [p.id for p in pairs],
            "chosen": [p.chosen for p in pairs],
            "rejected": [p.rejected for p in pairs],
            "language": [p.language for p in pairs],
            "aspect": [p.aspect for p in pairs],
        },
        schema={name: pl.Utf8 for name in ("id", "chosen", "rejected", "language", "aspect")},
    )


def balance_shortcuts(
    pairs: list[Pair], max_accuracy: float, seed: int, drops: DropLog
) -> list[Pair]:
    """The pairs :func:`curation.pairs.shortcuts.balance_pairs` keeps; the others are dropped
    under ``surface_shortcut``."""
    kept = set(balance_pairs(_frame(pairs), max_accuracy, seed).kept["id"].to_list())
    for pair in pairs:
        if pair.id not in kept:
            drops.drop(SHORTCUT_DROP, pair.id)
    return [pair for pair in pairs if pair.id in kept]


def shortcut_stats(pairs: list[Pair]) -> list[dict[str, Any]]:
    """Per aspect x language (and per aspect, language "all"): each feature's accuracy."""
    return shortcut_records(_frame(pairs)) if pairs else []


def shortcut_section(stats: dict[str, Any]) -> str:
    """The card's section: per aspect over all languages, then the full table."""
    records = stats.get("shortcuts") or []
    if not records:
        return "No pairs."
    threshold = stats["config"].get("balance_shortcuts") or DEFAULT_MAX_ACCURACY
    balanced = stats["config"].get("balance_shortcuts") is not None
    intro = (
        "How well a baseline that reads only surface features predicts the label: the "
        "share of pairs whose chosen side has the higher value (0.5: the feature says "
        "nothing; near 1 or 0: it gives the label away, in one direction or the other). "
        "Features: `length` (characters), `lines`, `comment_share` (comment lines over "
        "non-blank lines), `identifier_length` (mean identifier length). Values beyond "
        f"{threshold:g} either way are in bold: a reward model can score well on such pairs "
        "by reading the feature. "
        + (
            f"Pairs were balanced so that no feature exceeds {threshold:g} on any aspect "
            f"(dropped as `{SHORTCUT_DROP}`)."
            if balanced
            else "`codepref assemble --balance-shortcuts` drops pairs until none exceeds it."
        )
    )
    overall = [r for r in records if r["language"] == "all"]
    detail = [r for r in records if r["language"] != "all"]
    return (
        f"{intro}\n\n{shortcut_markdown(overall, threshold)}\n"
        f"<details><summary>per aspect x language</summary>\n\n"
        f"{shortcut_markdown(detail, threshold)}\n</details>"
    )
