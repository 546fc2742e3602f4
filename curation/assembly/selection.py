"""Which pairs survive assembly: duplicates, contradictions and balanced caps.

Each function takes the candidate pairs and returns the kept ones, recording every dropped
pair in the :class:`DropLog` under its reason (``duplicate_id``, ``contradiction``,
``over_cap``), so the dataset card can account for every input row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from curation.assembly.ids import unit_interval
from curation.assembly.records import DropLog, Pair
from curation.schema import LABEL_METHODS

# A label proved by running code beats a judge's vote, which beats a commit's implication,
# which beats a label inherited from another dataset: LABEL_METHODS lists them in that order.
_LABEL_PRIORITY = {method: rank for rank, method in enumerate(LABEL_METHODS)}


def pair_ref(pair: Pair) -> str:
    return f"{pair.id} ({pair.origin_file}#{pair.origin_row})"


def deduplicate(pairs: Iterable[Pair], drops: DropLog) -> list[Pair]:
    """One pair per id. Among duplicates the best-evidenced label wins (execution, judge,
    commit, inherited), then the higher confidence, then the first read."""
    best: dict[str, Pair] = {}
    for pair in pairs:
        current = best.get(pair.id)
        if current is None:
            best[pair.id] = pair
        elif _rank(pair) < _rank(current):
            drops.drop("duplicate_id", pair_ref(current))
            best[pair.id] = pair
        else:
            drops.drop("duplicate_id", pair_ref(pair))
    return list(best.values())


def _rank(pair: Pair) -> tuple[int, float]:
    return _LABEL_PRIORITY[pair.label_method], -(pair.confidence or 0.0)


def drop_contradictions(pairs: list[Pair], drops: DropLog) -> list[Pair]:
    """Drop both sides when the same prompt and aspect prefer A over B in one pair and B over
    A in another: with no way to tell which producer is right, neither label is trusted."""
    ids = {pair.id for pair in pairs}
    kept: list[Pair] = []
    for pair in pairs:
        if pair.reverse_id in ids:
            drops.drop("contradiction", pair_ref(pair))
        else:
            kept.append(pair)
    return kept


def cap_cells(
    pairs: list[Pair], max_per_cell: int | None, drops: DropLog, seed: int = 0
) -> list[Pair]:
    """Keep at most ``max_per_cell`` pairs per (aspect, language), chosen by a seeded hash of
    the pair id: a uniform sample that does not depend on input order, so that one huge
    producer (say Python correctness pairs) cannot drown the rare cells."""
    if max_per_cell is None:
        return pairs
    if max_per_cell < 1:
        raise ValueError(f"max_per_cell must be >= 1, got {max_per_cell}")
    cells: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for pair in pairs:
        cells[pair.aspect, pair.language].append(pair)
    kept: list[Pair] = []
    for members in cells.values():
        members.sort(key=lambda pair: unit_interval(str(seed), "cap", pair.id))
        kept.extend(members[:max_per_cell])
        for pair in members[max_per_cell:]:
            drops.drop("over_cap", pair_ref(pair))
    return kept
