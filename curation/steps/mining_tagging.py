"""Aspect tagging step: multi-label aspects from any :class:`AspectClassifier`."""

from __future__ import annotations

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.aspects import AspectClassifier, TermTagger


class AspectTagging(PipelineStep):
    """Sets ``metadata['aspects']``; counts ``aspect_<A>`` and ``language_<L>/<A>``.

    A commit with no aspect says nothing about which criterion it improves, so it is
    dropped (``dropped_no_aspect``) unless ``keep_untagged``.
    """

    type = "🏷 - TAGGER"
    name = "🏷 aspects"

    def __init__(
        self, classifier: AspectClassifier | None = None, keep_untagged: bool = False
    ) -> None:
        super().__init__()
        self.classifier = classifier or TermTagger()
        self.keep_untagged = keep_untagged

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        for doc in data:
            meta = doc.metadata
            with self.track_time():
                aspects = self.classifier.classify(
                    meta.get("subject") or "", meta.get("message") or "", meta.get("diff")
                )
            meta["aspects"] = aspects
            self.stat_update("total")
            if not aspects and not self.keep_untagged:
                self.stat_update("dropped", "dropped_no_aspect")
                continue
            for aspect in aspects:
                self.stat_update(f"aspect_{aspect}", f"language_{meta['language']}/{aspect}")
            self.stat_update("forwarded")
            yield doc
