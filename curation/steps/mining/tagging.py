"""Aspect tagging step: multi-label aspects from any :class:`AspectClassifier`."""

from __future__ import annotations

from collections import Counter

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.batching import batched

from curation.aspects import AspectClassifier, TermTagger
from curation.steps.mining.readers import tally


class AspectTagging(PipelineStep):
    """Sets ``metadata['aspects']``; counts ``aspect_<A>`` and ``language_<L>/<A>``.

    A commit with no aspect says nothing about which criterion it improves, so it is
    dropped (``dropped_no_aspect``) unless ``keep_untagged``.
    """

    type = "🏷 - TAGGER"
    name = "🏷 aspects"

    def __init__(
        self,
        classifier: AspectClassifier | None = None,
        keep_untagged: bool = False,
        batch_size: int = 64,
    ) -> None:
        super().__init__()
        self.classifier = classifier or TermTagger()
        self.keep_untagged = keep_untagged
        self.batch_size = batch_size

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        for batch in batched(data, self.batch_size):
            with self.track_time("batch"):
                tags = [
                    self.classifier.classify(
                        meta.get("subject") or "", meta.get("message") or "", meta.get("diff")
                    )
                    for meta in (doc.metadata for doc in batch)
                ]
            counts: Counter[str] = Counter(total=len(batch))
            kept = []
            for doc, aspects in zip(batch, tags, strict=True):
                doc.metadata["aspects"] = aspects
                if not aspects and not self.keep_untagged:
                    counts["dropped"] += 1
                    counts["dropped_no_aspect"] += 1
                    continue
                language = doc.metadata["language"]
                for aspect in aspects:
                    counts[f"aspect_{aspect}"] += 1
                    counts[f"language_{language}/{aspect}"] += 1
                kept.append(doc)
            counts["forwarded"] = len(kept)
            tally(self, counts)
            yield from kept
