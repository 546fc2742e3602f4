"""The ``generation`` pipeline: a problem set -> sampled candidates -> sandbox runs ->
correctness (and runtime, memory) pairs between candidates, with measured test quality.

``codepref generate PROBLEMS --endpoint URL --model NAME --n 8 --out DIR``
(:mod:`pipelines.generation_cli`) and ``codepref run`` with ``pipeline: generation`` both
build a :class:`GenerationPipelineConfig`. The steps: read the problem set (any layout of
:mod:`curation.readers.problem_set`) -> (top up thin suites with model-written inputs,
``min_tests``) -> (mutants of trusted solutions, ``mutants``) -> sample ``n`` candidates
per problem (:mod:`curation.steps.generation.candidates`; the response cache is in ``<out>``)
-> execute every solution -> pair the candidates -> measure the suite's TPR/TNR and drop
pairs below ``min_tnr`` -> write ``problems``, ``solutions``, ``executions``, ``pairs`` and
``test_quality`` shards and ``summary.json``.

The API key is read from ``CODEPREF_JUDGE_API_KEY``/``OPENAI_API_KEY`` when the step
runs, never taken as an option, so it cannot reach the saved config or logs.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from datatrove.pipeline.base import PipelineStep

from curation.assembly.stats import rate_bucket
from curation.executors import ExecutorConfig, build_executor, run_stages
from curation.generation.candidates import GenerationConfig
from curation.generation.test_inputs import TestInputConfig
from curation.judge.backends import BackendConfig, OpenAIConfig, VLLMConfig
from curation.judge.requests import Sampling
from curation.languages import normalize_language
from curation.readers.problem_set import LAYOUTS, read_problem_set
from curation.run_fingerprint import write_text_atomically
from curation.steps.execution.documents import ProblemReader
from curation.steps.execution.execute import ExecuteSolutions, ExecutionConfig
from curation.steps.execution.mutate import MutateSolutions, MutationConfig
from curation.steps.execution.tables import ExecutionTablesWriter, summarize
from curation.steps.generation.candidates import GenerateCandidates
from curation.steps.generation.test_inputs import GenerateTests
from curation.steps.generation.test_quality import GenerationTablesWriter, MeasureTestQuality
from curation.steps.pairs.executions import PairExecutions, PairingConfig
from pipelines.options import ENDPOINT_ENV

ENGINES = ("openai", "vllm")


@dataclass
class GenerationPipelineConfig:
    problems: Path
    out: Path
    layout: str = "stdio"
    endpoint: str | None = None
    model: str | None = None
    engine: str = "openai"
    concurrency: int = 64
    n: int = 8
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 2048
    seed: int | None = 0
    languages: list[str] | None = None
    limit: int | None = None
    min_tnr: float | None = None
    # Problems with fewer stdin/stdout tests get ``test_inputs`` model-written inputs
    # (validated on their trusted solutions); 0 turns it off.
    min_tests: int = 0
    test_inputs: int = 10
    # Pairs are between sampled candidates; True also pairs the set's own solutions.
    pair_references: bool = False
    # Mutants of the trusted solutions, run as known-wrong solutions so that every problem
    # with a reference gets a measured TNR (its mutation score); never paired.
    mutants: bool = False
    mutation: MutationConfig = field(default_factory=MutationConfig)
    execution: ExecutionConfig = field(default_factory=ExecutionConfig)
    pairing: PairingConfig = field(default_factory=PairingConfig)
    executor: ExecutorConfig = field(default_factory=lambda: ExecutorConfig(workers=1))

    def __post_init__(self) -> None:
        self.problems, self.out = Path(self.problems), Path(self.out)
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {self.layout!r}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if self.languages is not None:
            self.languages = [normalize_language(language) for language in self.languages]
        if self.executor.logging_dir is None:
            self.executor.logging_dir = str(self.out / "logs")

    def backend(self) -> BackendConfig:
        """The engine's config; the endpoint falls back to ``CODEPREF_JUDGE_URL``."""
        if self.engine == "vllm":
            return VLLMConfig(model=self.model or "")
        endpoint = self.endpoint or os.environ.get(ENDPOINT_ENV)
        if not endpoint or not self.model:
            raise ValueError(f"the openai engine needs --endpoint (or {ENDPOINT_ENV}) and --model")
        return OpenAIConfig(base_url=endpoint, model=self.model, concurrency=self.concurrency)

    def generation(self) -> GenerationConfig:
        sampling = Sampling(
            n=self.n,
            temperature=self.temperature,
            top_p=self.top_p,
            max_tokens=self.max_tokens,
            seed=self.seed,
        )
        return GenerationConfig(backend=self.backend(), sampling=sampling)


def quality_distribution(out: Path) -> dict[str, Any]:
    """Problems by TNR and TPR bucket (``none`` when no solution could measure it)."""
    shards = sorted((out / "test_quality").glob("*.parquet"))
    rows = [row for shard in shards for row in pq.read_table(shard).to_pylist()]

    return {
        "tnr": dict(sorted(Counter(rate_bucket(row["tnr"]) for row in rows).items())),
        "tpr": dict(sorted(Counter(rate_bucket(row["tpr"]) for row in rows).items())),
        "candidates": sum(row["candidates"] or 0 for row in rows),
        "extraction_failures": sum(row["extraction_failures"] or 0 for row in rows),
        "pairs_dropped_by_tnr": sum(row["pairs_dropped"] or 0 for row in rows),
        "tests_generated": sum(row["tests_generated"] or 0 for row in rows),
        "inputs_dropped": sum(row["inputs_dropped"] or 0 for row in rows),
    }


# What the output does not depend on: where it goes, how fast it is made.
UNFINGERPRINTED = ("out", "executor", "concurrency", "execution.workers")


def run_generation(
    config: GenerationPipelineConfig, claim: Callable[[Path], object] | None = None
) -> dict[str, Any]:
    """Run or resume the pipeline; returns the summary (also in ``<out>/summary.json``).
    ``claim`` is called with ``out`` once the problem set has been read, before anything
    is written (``codepref generate`` checks there what the folder holds)."""
    found = read_problem_set(config.problems, config.layout)
    if claim is not None:
        claim(config.out)
    problems = found.problems
    if config.languages is not None:
        problems = [p for p in problems if p.language in config.languages]
    if config.limit is not None:
        problems = problems[: config.limit]
    pairing = config.pairing
    if not config.pair_references:
        pairing = dataclasses.replace(pairing, only_origins=("llm",))
    steps: list[PipelineStep] = [ProblemReader(problems, found.solutions)]
    if config.min_tests > 0:
        inputs = TestInputConfig(
            backend=config.backend(), min_tests=config.min_tests, count=config.test_inputs
        )
        steps.append(GenerateTests(inputs, config.execution, cache_folder=config.out))
    if config.mutants:
        steps.append(MutateSolutions(config.mutation))
    steps += [
        GenerateCandidates(config.generation(), cache_folder=config.out),
        ExecuteSolutions(config.execution),
        PairExecutions(pairing),
        MeasureTestQuality(config.pairing, config.min_tnr),
        GenerationTablesWriter(config.out),
        ExecutionTablesWriter(config.out),
    ]
    run_stages([build_executor(steps, config.executor, "generate")], config.executor)
    summary = summarize(config.out, problems=len(problems))
    if not config.mutants:
        summary.pop("mutants", None)
        summary.pop("mutants_by_operator", None)
    summary["dropped_by_reader"] = dict(found.dropped)
    summary["generation"] = quality_distribution(config.out)
    write_text_atomically(config.out / "summary.json", json.dumps(summary, indent=2) + "\n")
    return summary
