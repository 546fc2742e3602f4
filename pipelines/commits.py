"""The ``commits`` pipeline: git history -> mined commits -> (LLM review and instruction)
-> preference pairs.

The mining stages come from ``pipelines.mining``; this pipeline adds one stage that
reads the final commit shards, optionally rates each commit with the LLM judge (keeping
those at or above ``min_rating``) and writes an inverse instruction as the pair's prompt,
then turns each commit into one pair per tagged aspect. The stage depends on the last
mining stage through datatrove's ``depends``, so one ``run`` resumes the whole chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from datatrove.executor.base import PipelineExecutor
from datatrove.pipeline.base import PipelineStep

from curation.credentials import Secret
from curation.executors import ExecutorConfig, build_executor, run_stages
from curation.judge.backends import OpenAIConfig
from curation.judge.backends.openai import ENV_API_KEY
from curation.run_fingerprint import write_text_atomically
from curation.steps.mining.readers import CommitShardReader
from curation.steps.mining.writers import load_stage_stats
from curation.steps.pairs.commits import CommitPairs, pairs_writer
from pipelines.mining import MiningConfig, build_executors


@dataclass
class CommitJudgeConfig:
    """The LLM stages; ``endpoint`` None skips them (pairs then use the commit message)."""

    endpoint: str | None = None
    model: str = "default"
    api_key: Secret | str | None = None
    min_rating: float = 4.0
    instructions: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        # A key from a config file: shown as ***, exported for the stage workers.
        self.api_key = Secret.coerce(self.api_key, ENV_API_KEY[0])
        if self.api_key is not None:
            self.api_key.export()

    def backend(self) -> OpenAIConfig | None:
        if not self.endpoint:
            return None
        api_key = self.api_key or Secret.from_env(*ENV_API_KEY)
        return OpenAIConfig(base_url=self.endpoint, model=self.model, api_key=api_key)


@dataclass
class CommitsPipelineConfig:
    mining: MiningConfig
    judge: CommitJudgeConfig = field(default_factory=CommitJudgeConfig)

    @property
    def executor(self) -> ExecutorConfig:
        return self.mining.executor

    @property
    def pairs_folder(self) -> Path:
        return self.mining.output / "pairs"


def pair_stage_steps(config: CommitsPipelineConfig) -> list[PipelineStep]:
    steps: list[PipelineStep] = [CommitShardReader(config.mining.output / "commits")]
    backend = config.judge.backend()
    if backend is not None:
        # imported only when judging: the judge stack takes over a second to import
        from curation.steps.judge import RateCommits, SynthesizeInstructions

        cache = str(config.mining.output / "judge_cache")
        steps.append(RateCommits(backend, min_rating=config.judge.min_rating, cache_folder=cache))
        if config.judge.instructions:
            steps.append(
                SynthesizeInstructions(backend, seed=config.judge.seed, cache_folder=cache)
            )
    steps += [CommitPairs(), pairs_writer(config.pairs_folder)]
    return steps


def build_commit_executors(config: CommitsPipelineConfig) -> list[PipelineExecutor]:
    mining = build_executors(config.mining)
    pairs = build_executor(
        pair_stage_steps(config), config.mining.executor, "pairs", depends=mining[-1]
    )
    return [*mining, pairs]


def run_commits(config: CommitsPipelineConfig) -> dict:
    """Run or resume the pipeline; returns (and writes) ``pairs_stats.json``."""
    run_stages(build_commit_executors(config), config.mining.executor)
    stats = commit_pair_stats(config)
    write_text_atomically(
        config.mining.output / "pairs_stats.json", json.dumps(stats, indent=2) + "\n"
    )
    return stats


def commit_pair_stats(config: CommitsPipelineConfig) -> dict:
    """Pairs written and commits dropped by the pair stage, summed over its task stats."""
    steps = load_stage_stats(config.mining.logs / "pairs")
    totals: dict[str, int] = {}
    for step in steps:
        for key, value in step.items():
            if key.startswith(("pairs", "dropped")):
                totals[key] = totals.get(key, 0) + int(value)
    return {"pairs": totals.pop("pairs", 0), **dict(sorted(totals.items()))}
