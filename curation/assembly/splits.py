"""Splits by group: every pair of one repository or one problem lands in the same split.

A random row-level split leaks: two commit pairs from one repository, or two solution pairs
of one problem, share most of their text, so a model evaluated on one has effectively seen
the other. Assembly therefore splits *groups*. The group key of a pair is, in order:

1. an explicit ``group`` column of the input row, or ``evidence["group"]`` (execution
   pairs: the language-independent task, so that a problem's translations into the eight
   languages never straddle splits);
2. ``evidence["repo"]`` (commit pairs: the repository the commit came from) -> ``repo:<repo>``;
3. ``evidence["problem_id"]`` (execution and bug-injection pairs) -> ``problem:<id>``;
4. otherwise the normalised prompt -> ``prompt:<hash>``, so at least identical prompts never
   straddle two splits.

A group's split is a pure function of (seed, group key): deterministic, independent of the
order and number of input rows, and stable when new groups are added to a later run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from curation.assembly.ids import normalize_text, unit_interval
from curation.assembly.records import Pair
from curation.schema import SPLITS
from curation.shares import parse_shares


@dataclass(frozen=True)
class SplitFractions:
    """Target shares of groups (not rows) per split; they must sum to 1."""

    train: float = 0.90
    validation: float = 0.05
    test: float = 0.05

    def __post_init__(self) -> None:
        values = (self.train, self.validation, self.test)
        if any(value < 0 for value in values) or abs(sum(values) - 1.0) > 1e-6:
            raise ValueError(f"split fractions must be >= 0 and sum to 1: {values}")

    @classmethod
    def parse(cls, text: str) -> SplitFractions:
        """``"0.9,0.05,0.05"`` (train, validation, test)."""
        return cls(*parse_shares(text, SPLITS, "split fractions"))


def group_key(pair: Pair) -> str:
    """The key that keeps related pairs in one split (see the module docstring)."""
    group = pair.group or pair.evidence.get("group")
    if group:
        return f"group:{group}"
    repo = pair.evidence.get("repo")
    if repo:
        return f"repo:{repo}"
    problem = pair.evidence.get("problem_id")
    if problem:
        return f"problem:{problem}"
    digest = hashlib.sha256(normalize_text(pair.prompt).encode("utf-8")).hexdigest()[:16]
    return f"prompt:{digest}"


def split_for_group(key: str, fractions: SplitFractions, seed: int = 0) -> str:
    """The split of a group: a seeded hash of its key compared with the cumulative fractions."""
    point = unit_interval(str(seed), "split", key)
    cumulative = 0.0
    last = SPLITS[0]
    shares = (fractions.train, fractions.validation, fractions.test)
    for name, share in zip(SPLITS, shares, strict=True):
        if share <= 0:
            continue
        cumulative += share
        last = name
        if point < cumulative:
            return name
    return last  # rounding left the point just above the cumulative sum
