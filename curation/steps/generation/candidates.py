"""The datatrove step that samples candidate solutions for every problem document.

Requests of all documents of a task go to the judge backend together (it keeps
``concurrency`` requests in flight, retries, and records every answer in the response
cache as it arrives), so a rerun after a crash, or of a finished run, pays for no request
twice. Extraction failures are counted in the step's stats (``extract_<reason>``).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.generation.candidates import (
    GenerationConfig,
    candidate_request,
    candidate_solutions,
)
from curation.judge.backends import BackendConfig, OpenAIConfig, make_backend
from curation.judge.backends.openai import ENV_API_KEY
from curation.judge.cache import ResponseCache
from curation.steps.execution.documents import problem_of

CACHE_FILE = "generation-cache.sqlite"


def with_api_key(config: BackendConfig) -> BackendConfig:
    """The key comes from the environment on the node that sends the requests, so that it
    is never part of the step (datatrove saves steps with the run's logs)."""
    if not isinstance(config, OpenAIConfig) or config.api_key is not None:
        return config
    key = next((os.environ[name] for name in ENV_API_KEY if os.environ.get(name)), None)
    return dataclasses.replace(config, api_key=key) if key else config


class GenerateCandidates(PipelineStep):
    """Appends the sampled candidates to each document's ``solutions``."""

    name = "✍ Generate candidates"
    type = "🧪 - EXECUTION"

    def __init__(self, config: GenerationConfig, cache_folder: str | Path | None = None) -> None:
        super().__init__()
        self.config = config
        self.cache_folder = None if cache_folder is None else str(cache_folder)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        documents = list(data or ())
        problems = [problem_of(document) for document in documents]
        requests = [candidate_request(p, self.config.sampling) for p in problems]
        backend = make_backend(with_api_key(self.config.backend))
        cache = None
        if self.cache_folder is not None:
            cache = ResponseCache(Path(self.cache_folder) / CACHE_FILE)
        try:
            with self.track_time(unit="batch"):
                completions = backend.generate(requests, cache) if requests else []
        finally:
            if cache is not None:
                cache.close()
        for key, value in backend.stats.counters().items():
            self.stat_update(f"llm_{key}", value=value)
        for document, problem, completion in zip(documents, problems, completions, strict=True):
            solutions, failures = candidate_solutions(problem, completion, backend.model)
            for reason, count in failures.items():
                self.stat_update(f"extract_{reason}", value=count)
            self.stat_update("candidates", value=len(solutions))
            document.metadata["solutions"].extend(s.to_row() for s in solutions)
            document.metadata.setdefault("generation_failures", {}).update(failures)
            yield document
