"""13-gram decontamination step against benchmark Parquet files (CRB columns)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import BaseFilter

from curation.dedup import DecontaminationIndex


class DecontaminationFilter(BaseFilter):
    """Drops commits whose code (either version) or message shares an n-gram with the
    benchmark: ``dropped_contaminated_code`` / ``dropped_contaminated_message``.

    The index is built once per task, on first use, so that it is never pickled into the
    worker processes of the executor.
    """

    name = "🧼 13-gram decontamination"

    def __init__(self, benchmarks: Sequence[str | Path], n: int = 13) -> None:
        super().__init__()
        self.benchmarks = [str(p) for p in benchmarks]
        for path in self.benchmarks:
            if not Path(path).is_file():
                raise FileNotFoundError(f"benchmark file {path} does not exist")
        self.n = n
        self._index: DecontaminationIndex | None = None

    @property
    def index(self) -> DecontaminationIndex:
        if self._index is None:
            self._index = DecontaminationIndex.from_parquet(self.benchmarks, self.n)
        return self._index

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        index = self.index
        if index.contaminated(doc.text) or index.contaminated(doc.metadata["old_contents"]):
            return False, "contaminated_code"
        meta = doc.metadata
        if index.contaminated(f"{meta.get('subject') or ''}\n{meta.get('message') or ''}"):
            return False, "contaminated_message"
        return True
