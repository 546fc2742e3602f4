"""Exact duplicates dropped inside a task, before they are written and signed.

The same change reaches a history more than once (cherry-picks, the same fix on two
branches, a fork's copy): 70 of the 399 commits that reached MinHash on a Go history.
The cross-task exact dedup (``exact_find`` and the write stage's filter) drops them in
the end, but only after each copy was tokenised and MinHash-signed, the costliest work
of the mine stage. A later copy of a change already seen by the same task is dropped
here under the same reason, ``exact_duplicate``; the first copy goes on and still meets
the copies of other tasks in the cross-task stage, so the copy kept overall is the same.
"""

from __future__ import annotations

from collections import Counter

import xxhash
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.batching import batched

from curation.steps.mining.dedup import change_key
from curation.steps.mining.filters import PARSED_NEW
from curation.steps.mining.readers import tally


class TaskExactDedup(PipelineStep):
    """Drops a document whose (old, new) contents this task has already passed on."""

    type = "🫂 - DEDUP"
    name = "🎯 exact duplicates within the task"

    def __init__(self, batch_size: int = 64) -> None:
        super().__init__()
        self.batch_size = batch_size

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        seen: set[int] = set()
        for batch in batched(data, self.batch_size):
            kept = []
            with self.track_time("batch"):
                for doc in batch:
                    key = xxhash.xxh64_intdigest(change_key(doc))
                    if key in seen:
                        doc.metadata.pop(PARSED_NEW, None)
                        continue
                    seen.add(key)
                    kept.append(doc)
            counts = Counter(forwarded=len(kept))
            if dropped := len(batch) - len(kept):  # no zero reason in the report
                counts.update(dropped=dropped, dropped_exact_duplicate=dropped)
            tally(self, counts)
            yield from kept
