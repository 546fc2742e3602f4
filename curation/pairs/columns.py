"""What a pair's columns are called: the canonical names, and the aliases accepted on read.

The canonical names are the ``pairs`` schema's (:data:`curation.schema.PAIRS`). Published
sets spell some of them differently (Themis training data says ``input``, CodeRewardBench
says ``subset``); this is the one table of those spellings, used by every reader of pairs.
A canonical column always wins over its alias when a table has both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# alias -> canonical column
COLUMN_ALIASES: dict[str, str] = {
    "input": "prompt",
    "question": "prompt",
    "instruction": "prompt",
    "subset": "source",
    "idx": "id",
    "lang": "language",
    "criterion": "aspect",
}
REQUIRED_COLUMNS: tuple[str, ...] = ("prompt", "chosen", "rejected")


class PairsError(ValueError):
    """Bad pairs input: the message names the file and row at fault."""


def alias_renames(columns: Iterable[str]) -> dict[str, str]:
    """``{alias: canonical}`` for the aliased columns of a table whose canonical column is
    absent (and only the first alias of each canonical name)."""
    present = set(columns)
    renames: dict[str, str] = {}
    for column in columns:
        canonical = COLUMN_ALIASES.get(column)
        if canonical and canonical not in present and canonical not in renames.values():
            renames[column] = canonical
    return renames


def canonical_row(row: Mapping[str, object]) -> dict[str, object]:
    """``row`` with aliased keys renamed (a canonical key wins over its alias)."""
    renames = alias_renames(row)
    return {
        renames.get(key, key): value
        for key, value in row.items()
        if key in renames or key not in COLUMN_ALIASES
    }


def describe_aliases() -> str:
    """``input->prompt, ...`` for error messages."""
    return ", ".join(f"{alias}->{canonical}" for alias, canonical in COLUMN_ALIASES.items())
