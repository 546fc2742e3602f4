"""The in-memory records of assembly: one candidate pair, and the tally of what was dropped.

Assembly works row by row on plain Python records rather than on Arrow columns because
every step (ids, lineage, group keys, system prompts) is a per-pair decision that needs the
whole row; the tables are converted back to Arrow only when the shards are written.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# How many offending row references a drop reason keeps, so that a report can name them
# without growing with the input.
EXAMPLES_PER_REASON = 10


@dataclass
class Pair:
    """One preference pair as assembly sees it: the ``pairs`` columns plus what it needs to
    decide splits and dedup (the parsed evidence, an explicit group, where the row came from).
    """

    id: str
    prompt: str
    chosen: str
    rejected: str
    language: str
    aspect: str
    source: str
    label_method: str
    confidence: float | None = None
    system: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    split: str | None = None
    group: str | None = None
    system_kind: str | None = None
    reverse_id: str = ""  # the id of this pair with chosen and rejected swapped
    origin_file: str = ""
    origin_row: int = 0

    def row(self) -> dict[str, Any]:
        """The ``pairs`` table row (schema PAIRS); evidence becomes canonical JSON."""
        return {
            "id": self.id,
            "prompt": self.prompt,
            "chosen": self.chosen,
            "rejected": self.rejected,
            "language": self.language,
            "aspect": self.aspect,
            "source": self.source,
            "label_method": self.label_method,
            "confidence": self.confidence,
            "system": self.system,
            "system_kind": self.system_kind,
            "evidence": json.dumps(self.evidence, sort_keys=True, ensure_ascii=False, default=str),
            "split": self.split,
        }


@dataclass
class DropLog:
    """Counts of dropped rows per reason, with the first few row references of each, so a
    run can say "3 rows dropped as invalid:language (ids a, b, c)" rather than just shrink."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def drop(self, reason: str, ref: str) -> None:
        self.counts[reason] += 1
        kept = self.examples.setdefault(reason, [])
        if len(kept) < EXAMPLES_PER_REASON:
            kept.append(ref)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            reason: {"count": self.counts[reason], "examples": self.examples.get(reason, [])}
            for reason in sorted(self.counts)
        }
