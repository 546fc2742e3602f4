"""datatrove steps for LLM judging: ``JudgePairs``, ``RateCommits``, ``SynthesizeInstructions``.

Steps carry a backend *config* (picklable, so Slurm and Ray executors can ship them) and
build the backend inside ``run``. Documents are judged in batches so that the ``openai``
backend keeps its concurrency busy and vLLM gets large batches. Each task opens the
response cache in ``cache_folder`` (one SQLite file shared by the tasks of a node), so a
task that is rerun after a crash only pays for requests that had not finished. Every
dropped document is counted in the step's stats under the reason it was dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.batching import batched
from loguru import logger

from curation.judge.backends import BackendConfig, make_backend
from curation.judge.cache import ResponseCache
from curation.judge.documents import commit_from_document, pair_from_document
from curation.judge.pairwise import BadPairError, PairJudge
from curation.judge.protocol import JudgeProtocol
from curation.judge.requests import Sampling
from curation.judge.review import REVIEW_SAMPLING, BadCommitError, CommitReviewer
from curation.judge.synthesis import SYNTHESIS_SAMPLING, Synthesizer, instruction_task

CACHE_FILE = "judge-cache.sqlite"


def judgement_adapter(self: object, document: Document) -> dict:
    """datatrove writer adapter: the ``judgements`` row a judge step left in metadata."""
    return document.metadata["judgement"]


def _open_cache(folder: str | None) -> ResponseCache | None:
    return ResponseCache(Path(folder) / CACHE_FILE) if folder is not None else None


class JudgePairs(PipelineStep):
    """Judges pair documents with the pairwise protocol and keeps those the rule keeps.

    Adds ``judgement`` (a ``judgements`` row) and ``judge_decision`` to each document's
    metadata; a flipped pair has ``chosen`` and ``rejected`` swapped. With ``keep_all`` every
    judged document passes (to label without filtering). ``report_folder`` receives one
    JSON report per rank (decisions, parse errors, position bias, backend counters).
    """

    name = "⚖️ Judge pairs"
    type = "🤖 - JUDGE"

    def __init__(
        self,
        backend: BackendConfig,
        protocol: JudgeProtocol | None = None,
        aspect: str | None = None,
        cache_folder: str | None = None,
        report_folder: str | None = None,
        batch_size: int = 256,
        keep_all: bool = False,
    ) -> None:
        super().__init__()
        self.backend_config = backend
        self.protocol = protocol or JudgeProtocol()
        self.aspect = aspect
        self.cache_folder = cache_folder
        self.report_folder = report_folder
        self.batch_size = batch_size
        self.keep_all = keep_all

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cache = _open_cache(self.cache_folder)
        judge = PairJudge(make_backend(self.backend_config), self.protocol, cache)
        try:
            for batch in batched(data, self.batch_size):
                yield from self._judge_batch(judge, batch)
        finally:
            if cache is not None:
                cache.close()
            # Positional verdict counts, so that datatrove's merged stats of all tasks give
            # the run-wide position bias (share of A = verdict_A / (verdict_A + verdict_B)).
            bias = judge.counter.position_bias
            self.stat_update("verdict_A", value=bias.picks_a, unit="run")
            self.stat_update("verdict_B", value=bias.picks_b, unit="run")
            self.stat_update("verdict_TIE", value=bias.ties, unit="run")
            self.stat_update("verdict_error", value=bias.errors, unit="run")
            if self.report_folder is not None:
                folder = Path(self.report_folder)
                folder.mkdir(parents=True, exist_ok=True)
                report = json.dumps(judge.report(), indent=2)
                (folder / f"judge-report-{rank:05d}.json").write_text(report)

    def _judge_batch(self, judge: PairJudge, batch: list[Document]) -> Iterator[Document]:
        documents, pairs = [], []
        for document in batch:
            self.stat_update("documents")
            try:
                pairs.append(pair_from_document(document, aspect=self.aspect))
            except BadPairError as error:
                logger.warning(str(error))
                self.stat_update("dropped_bad_pair")
                continue
            documents.append(document)
        if not pairs:
            return
        with self.track_time(unit="batch"):
            judgements = judge.judge(pairs)
        for document, judgement in zip(documents, judgements, strict=True):
            decision = judgement.decision
            metadata = document.metadata
            metadata["judgement"] = judgement.row()
            metadata["judge_decision"] = decision.reason
            metadata["judge_confidence"] = decision.confidence
            if decision.flipped:
                metadata["chosen"], metadata["rejected"] = metadata["rejected"], metadata["chosen"]
            if decision.keep:
                self.stat_update("kept", f"kept_{decision.reason}")
            else:
                self.stat_update(f"dropped_{decision.reason}")
            if decision.keep or self.keep_all:
                yield document


class RateCommits(PipelineStep):
    """Rates commit documents 1-5 on their aspect; keeps those rated >= ``min_rating``.

    Adds ``review_rating`` and ``review`` (a ``judgements`` row) to the metadata; the aspect
    is ``aspect`` if given, else the document's ``aspect``, else the first of ``aspects``.
    """

    name = "🧐 Rate commits"
    type = "🤖 - JUDGE"

    def __init__(
        self,
        backend: BackendConfig,
        aspect: str | None = None,
        sampling: Sampling = REVIEW_SAMPLING,
        min_rating: float = 4.0,
        cache_folder: str | None = None,
        batch_size: int = 256,
        keep_all: bool = False,
    ) -> None:
        super().__init__()
        self.backend_config = backend
        self.aspect = aspect
        self.sampling = sampling
        self.min_rating = min_rating
        self.cache_folder = cache_folder
        self.batch_size = batch_size
        self.keep_all = keep_all

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cache = _open_cache(self.cache_folder)
        reviewer = CommitReviewer(
            make_backend(self.backend_config), self.sampling, cache, self.min_rating
        )
        try:
            for batch in batched(data, self.batch_size):
                documents, commits = [], []
                for document in batch:
                    self.stat_update("documents")
                    try:
                        commits.append(commit_from_document(document, aspect=self.aspect))
                    except BadCommitError as error:
                        logger.warning(str(error))
                        self.stat_update("dropped_bad_commit")
                        continue
                    documents.append(document)
                if not commits:
                    continue
                with self.track_time(unit="batch"):
                    ratings = reviewer.rate(commits)
                for document, rating in zip(documents, ratings, strict=True):
                    document.metadata["review_rating"] = rating.rating
                    document.metadata["review"] = rating.row()
                    if rating.rating is None:
                        self.stat_update("dropped_no_valid_rating")
                    elif reviewer.keeps(rating):
                        self.stat_update("kept")
                    else:
                        self.stat_update("dropped_below_min_rating")
                    if reviewer.keeps(rating) or self.keep_all:
                        yield document
        finally:
            if cache is not None:
                cache.close()


class SynthesizeInstructions(PipelineStep):
    """Writes an inverse instruction for each commit document (old and new contents), in a
    style drawn per document from ``seed``; documents without a parseable instruction are
    dropped (counted by reason). Adds ``instruction`` and ``instruction_style``."""

    name = "✍️ Synthesize instructions"
    type = "🤖 - JUDGE"

    def __init__(
        self,
        backend: BackendConfig,
        sampling: Sampling = SYNTHESIS_SAMPLING,
        seed: int = 0,
        cache_folder: str | None = None,
        batch_size: int = 256,
    ) -> None:
        super().__init__()
        self.backend_config = backend
        self.sampling = sampling
        self.seed = seed
        self.cache_folder = cache_folder
        self.batch_size = batch_size

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cache = _open_cache(self.cache_folder)
        writer = Synthesizer(make_backend(self.backend_config), self.sampling, cache)
        try:
            for batch in batched(data, self.batch_size):
                documents, tasks = [], []
                for document in batch:
                    self.stat_update("documents")
                    metadata = document.metadata
                    missing = [
                        key
                        for key in ("language", "old_contents", "new_contents")
                        if metadata.get(key) is None
                    ]
                    if missing:
                        logger.warning(f"document {document.id}: missing {', '.join(missing)}")
                        self.stat_update("dropped_bad_commit")
                        continue
                    tasks.append(
                        instruction_task(
                            document.id,
                            language=str(metadata["language"]),
                            old_code=str(metadata["old_contents"]),
                            new_code=str(metadata["new_contents"]),
                            seed=self.seed,
                        )
                    )
                    documents.append(document)
                if not tasks:
                    continue
                with self.track_time(unit="batch"):
                    results = writer.run(tasks)
                for document, result in zip(documents, results, strict=True):
                    if result.text is None:
                        self.stat_update(f"dropped_{result.error}")
                        continue
                    self.stat_update("kept", f"style_{result.style}")
                    document.metadata["instruction"] = result.text
                    document.metadata["instruction_style"] = result.style
                    yield document
        finally:
            if cache is not None:
                cache.close()
