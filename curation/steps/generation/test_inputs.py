"""The datatrove step that tops up thin test suites with validated, model-written inputs.

For every stdin/stdout problem with fewer than ``min_tests`` tests and at least one
trusted solution, it asks the model for inputs, runs the trusted solutions on them in the
sandbox, and appends the inputs they agree on as tests
(:mod:`curation.generation.test_inputs`). What was added and dropped, by reason, goes to
``metadata["test_generation"]`` and the step's stats. Harness-style problems (their tests
are code) and problems without a trusted solution are skipped and counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.generation.test_inputs import (
    TestInputConfig,
    input_request,
    parse_inputs,
    reference_jobs,
    validated_tests,
)
from curation.judge.backends import make_backend
from curation.judge.cache import ResponseCache
from curation.steps.execution.documents import problem_of, solutions_of
from curation.steps.execution.execute import ExecutionConfig
from curation.steps.generation.candidates import CACHE_FILE, with_api_key
from curation.steps.generation.test_quality import is_trusted
from curation.steps.pairs.executions import PairingConfig
from sandbox.api import Sandbox
from sandbox.checker_programs import run_checked


class GenerateTests(PipelineStep):
    name = "🧾 Generate tests"
    type = "🧪 - EXECUTION"

    def __init__(
        self,
        config: TestInputConfig,
        execution: ExecutionConfig,
        cache_folder: str | Path | None = None,
        sandbox_factory: Callable[[ExecutionConfig], Sandbox] | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.execution = execution
        self.cache_folder = None if cache_folder is None else str(cache_folder)
        self.sandbox_factory = sandbox_factory

    def _open(self) -> Sandbox:
        if self.sandbox_factory is not None:
            return self.sandbox_factory(self.execution)
        from sandbox import open_sandbox

        return open_sandbox(self.execution.backend, workers=self.execution.workers)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        documents = list(data or ())
        wanted = []
        for document in documents:
            problem = problem_of(document)
            references = [s for s in solutions_of(document) if is_trusted(s, PairingConfig())]
            counts: Counter[str] = Counter()
            if problem.is_harness:
                counts["skipped_harness_problem"] += 1
            elif len(problem.tests) >= self.config.min_tests:
                counts["skipped_enough_tests"] += 1
            elif not references:
                counts["skipped_no_reference"] += 1
            else:
                wanted.append((document, problem, references))
            document.metadata["test_generation"] = counts
        if wanted:
            self._top_up(wanted)
        for document in documents:
            for reason, count in document.metadata["test_generation"].items():
                self.stat_update(reason, value=count)
            document.metadata["test_generation"] = dict(document.metadata["test_generation"])
            yield document

    def _top_up(self, wanted: list) -> None:
        backend = make_backend(with_api_key(self.config.backend))
        requests = [input_request(problem, self.config) for _, problem, _ in wanted]
        cache = None
        if self.cache_folder is not None:
            cache = ResponseCache(Path(self.cache_folder) / CACHE_FILE)
        try:
            with self.track_time(unit="batch"):
                completions = backend.generate(requests, cache)
        finally:
            if cache is not None:
                cache.close()
        jobs, spans = [], []
        for (_, problem, references), completion in zip(wanted, completions, strict=True):
            inputs = parse_inputs(completion.texts[0] if completion.ok else None)
            spans.append((len(jobs), len(references), inputs))
            if inputs:
                jobs.extend(reference_jobs(problem, references, inputs))
        results = []
        if jobs:
            sandbox = self._open()
            try:
                results = run_checked(
                    sandbox, jobs, self.execution.workers, progress=self.execution.progress
                )
            finally:
                sandbox.close()
        for (document, problem, _), (start, count, inputs) in zip(wanted, spans, strict=True):
            counts = document.metadata["test_generation"]
            if not inputs:
                counts["no_inputs_in_answer"] += 1
                continue
            kept, dropped = validated_tests(problem, inputs, results[start : start + count])
            counts.update(dropped)
            counts["inputs"] += len(inputs)
            counts["tests_added"] += len(kept)
            document.metadata["problem"]["tests"] += [
                {"stdin": case.stdin, "expected_stdout": case.expected_stdout} for case in kept
            ]
