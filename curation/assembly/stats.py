"""The numbers of an assembled dataset, as one JSON-ready dict (written to ``stats.json``).

The dataset card is rendered from this dict alone, so the card and the JSON can never
disagree, and a test can check the card's tables against counts recomputed from the shards.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from curation.assembly.records import DropLog, Pair
from curation.assembly.splits import group_key
from curation.assembly.writer import ShardFile
from curation.criteria import ASPECTS
from curation.languages import LANGUAGE_NAMES
from curation.pairs.system import SYSTEM_MODES
from curation.schema import LABEL_METHODS, SPLITS


def rate_bucket(value: float | None) -> str:
    """A TPR/TNR in tenths for distribution tables: ``1.0``, ``[0.9, 1.0)``, ... or
    ``none`` when no solution could measure it."""
    if value is None:
        return "none"
    if value >= 1.0:
        return "1.0"
    low = int(value * 10) / 10
    return f"[{low:.1f}, {low + 0.1:.1f})"


def compute_stats(
    pairs: list[Pair],
    drops: DropLog,
    inputs: list[dict[str, Any]],
    shards: list[ShardFile],
    config: dict[str, Any],
) -> dict[str, Any]:
    """Counts per split, aspect x language, source x aspect, label method and system-prompt
    mode; the full split x aspect x language x source breakdown; drops with example rows."""
    cells = Counter((p.split, p.aspect, p.language, p.source) for p in pairs)
    aspect_language = Counter((p.aspect, p.language) for p in pairs)
    source_aspect = Counter((p.source, p.aspect) for p in pairs)
    groups: dict[str, set[str]] = {split: set() for split in SPLITS}
    for pair in pairs:
        groups.setdefault(pair.split or "", set()).add(group_key(pair))
    split_rows = Counter(p.split for p in pairs)
    return {
        "rows": len(pairs),
        "input_rows": sum(entry["rows"] for entry in inputs),
        "dropped": drops.total,
        "inputs": inputs,
        "splits": {
            split: {"rows": split_rows[split], "groups": len(groups[split])}
            for split in SPLITS
            if split_rows[split]
        },
        "aspect_language": {
            aspect: {lang: aspect_language[aspect, lang] for lang in LANGUAGE_NAMES}
            for aspect in ASPECTS
        },
        "source_aspect": {
            source: {aspect: source_aspect[source, aspect] for aspect in ASPECTS}
            for source in sorted({p.source for p in pairs})
        },
        "label_method": {
            method: count
            for method in LABEL_METHODS
            if (count := sum(1 for p in pairs if p.label_method == method))
        },
        "system_prompt": {
            mode: sum(1 for p in pairs if p.system_kind == mode) for mode in SYSTEM_MODES
        },
        "counts": [
            {"split": s, "aspect": a, "language": lang, "source": src, "count": n}
            for (s, a, lang, src), n in sorted(cells.items())
        ],
        # Execution pairs from suites whose quality was measured: pairs by suite TNR.
        "test_suite_tnr": dict(
            sorted(
                Counter(
                    rate_bucket(p.evidence["test_suite"].get("tnr"))
                    for p in pairs
                    if isinstance(p.evidence.get("test_suite"), dict)
                ).items()
            )
        ),
        "drops": drops.as_dict(),
        "files": [asdict(shard) for shard in shards],
        "config": config,
    }
