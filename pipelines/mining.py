"""The commit-mining pipeline: git history -> clean, deduplicated, aspect-tagged commits.

Six datatrove stages chained with ``depends=``, each with its own logging folder and
therefore its own completion markers, so a rerun after a crash skips finished tasks and
redoes unfinished ones (every task writes files named after its rank, which the redo
overwrites: no row is lost or written twice):

1. ``mine``: read -> commit rules (language, message, licence, contents) -> aspects ->
   tree-sitter (the costly rule, on what is left) -> 13-gram decontamination -> exact
   duplicates within the task -> shard ``work/mined`` -> code-token MinHash signatures
   (from the parse the tree-sitter rule made) and exact-dedup signatures
2. ``exact_find``: exact duplicates across all shards (1 task)
3. ``minhash_buckets`` (a task per band, up to the configured task count): drop the
   signatures of exact duplicates, then datatrove's bucket stage (merging by one sort, see
   ``SortedMinhashBuckets``)
4. ``minhash_cluster`` (1 task)
5. ``write``: handles on the rows of ``work/mined`` -> drop exact, then near duplicates ->
   load the rows left -> secrets and personal data (``mining_privacy.py``) -> unified
   diff -> ``commits/<rank>.parquet``. The exact filter
   replays ``exact_find``'s verdict (a lookup of a few integers per row), which gives the
   MinHash filter the very document order that was signed.
6. ``report``: ``stats.json``

The same stage list runs on ``LocalPipelineExecutor``, ``SlurmPipelineExecutor`` or
``RayPipelineExecutor``, chosen by ``MiningConfig.executor.kind``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from datatrove.executor.base import PipelineExecutor
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.exact_dedup import (
    ExactDedupFilter,
    ExactDedupSignature,
    ExactFindDedups,
)
from datatrove.pipeline.dedup.minhash import MinhashDedupCluster, MinhashDedupFilter

from curation.aspects import AspectClassifier
from curation.dedup import CODE_MINHASH_CONFIG
from curation.executors import ExecutorConfig, ExecutorKind, build_executor, run_stages
from curation.mining.filters import FilterConfig
from curation.mining.remote import FetchConfig
from curation.privacy.secrets import SecretPolicy
from curation.steps.mining.decontamination import DecontaminationFilter
from curation.steps.mining.dedup import (
    CodeMinhashSignature,
    ExactDedupedSignatures,
    SortedMinhashBuckets,
    exact_dedup_config,
)
from curation.steps.mining.filters import CommitFilter, SyntaxFilter, UnifiedDiff
from curation.steps.mining.privacy import PrivacyGuard
from curation.steps.mining.readers import (
    CommitShardLoader,
    CommitShardRows,
    LocalHistoryReader,
    RemoteCommitReader,
)
from curation.steps.mining.tagging import AspectTagging
from curation.steps.mining.task_dedup import TaskExactDedup
from curation.steps.mining.writers import CommitShardWriter, MiningReport

STAGES: tuple[str, ...] = (
    "mine",
    "exact_find",
    "minhash_buckets",
    "minhash_cluster",
    "write",
    "report",
)
# Stages whose steps' drops are the run's drops.
DROP_STAGES: tuple[str, ...] = ("mine", "write")


@dataclass
class MiningConfig:
    """Everything a mining run needs; the defaults mine local repositories on one machine.

    ``repos`` are local repositories (or directories of them); ``remote_metadata`` are
    Parquet/JSONL files of commit metadata to fetch by sha. ``executor`` says where the
    stages run; its logging directory is always ``<output>/logs``, where the report reads
    the stats of every stage.
    """

    output: Path
    repos: list[Path] = field(default_factory=list)
    remote_metadata: list[Path] = field(default_factory=list)
    benchmarks: list[Path] = field(default_factory=list)
    license: str | None = None
    filters: FilterConfig = field(default_factory=FilterConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    classifier: AspectClassifier | None = None
    keep_untagged: bool = False
    # a commit with a secret is dropped ("drop") or has it replaced by <SECRET_n> ("redact")
    secret_policy: SecretPolicy = SecretPolicy.DROP
    # "fork": local workers start as copies of this process instead of fresh interpreters
    # that re-import datatrove, pyarrow and the grammars (seconds per stage)
    executor: ExecutorConfig = field(
        default_factory=lambda: ExecutorConfig(workers=1, start_method="fork")
    )

    def __post_init__(self) -> None:
        self.output = Path(self.output)
        if not self.repos and not self.remote_metadata:
            raise ValueError("nothing to mine: give local repositories or remote metadata")
        self.executor.logging_dir = str(self.output / "logs")

    @property
    def work(self) -> Path:
        return self.output / "work"

    @property
    def logs(self) -> Path:
        return self.output / "logs"

    @property
    def tasks(self) -> int:
        return self.executor.tasks


def _readers(config: MiningConfig) -> list[PipelineStep]:
    readers: list[PipelineStep] = []
    if config.repos:
        readers.append(
            LocalHistoryReader(
                config.repos, license=config.license, allowed_licenses=config.filters.licenses
            )
        )
    if config.remote_metadata:
        readers.append(RemoteCommitReader(config.remote_metadata, config.fetch))
    return readers


def stage_pipelines(config: MiningConfig) -> dict[str, tuple[list[PipelineStep], int]]:
    """Each stage's steps and task count, in run order."""
    work = config.work
    dedup = exact_dedup_config()
    mine: list[PipelineStep] = [
        *_readers(config),
        # cheapest first: rules on metadata and text, then the message's aspects, and only
        # then tree-sitter on both sides of what is left (see CommitFilter)
        CommitFilter(config.filters, parse=False),
        AspectTagging(config.classifier, keep_untagged=config.keep_untagged),
        SyntaxFilter(config.filters),
    ]
    if config.benchmarks:
        mine.append(DecontaminationFilter(config.benchmarks))
    mine += [
        TaskExactDedup(),
        CommitShardWriter(str(work / "mined")),
        CodeMinhashSignature(str(work / "minhash_raw")),
        ExactDedupSignature(str(work / "exact_sigs"), config=dedup),
    ]
    return {
        "mine": (mine, config.tasks),
        "exact_find": (
            [ExactFindDedups(str(work / "exact_sigs"), str(work / "exact_dups"), config=dedup)],
            1,
        ),
        "minhash_buckets": (
            [
                ExactDedupedSignatures(
                    str(work / "minhash_raw"),
                    str(work / "exact_dups"),
                    str(work / "minhash_sigs"),
                    config=CODE_MINHASH_CONFIG,
                ),
                SortedMinhashBuckets(
                    str(work / "minhash_sigs"),
                    str(work / "minhash_buckets"),
                    config=CODE_MINHASH_CONFIG,
                ),
            ],
            min(config.tasks, CODE_MINHASH_CONFIG.num_buckets),
        ),
        "minhash_cluster": (
            [
                MinhashDedupCluster(
                    str(work / "minhash_buckets"),
                    str(work / "minhash_remove"),
                    config=CODE_MINHASH_CONFIG,
                )
            ],
            1,
        ),
        "write": (
            [
                CommitShardRows(work / "mined"),
                ExactDedupFilter(str(work / "exact_dups"), config=dedup),
                MinhashDedupFilter(str(work / "minhash_remove")),
                CommitShardLoader(work / "mined"),
                PrivacyGuard(config.secret_policy),
                UnifiedDiff(),
                CommitShardWriter(str(config.output / "commits")),
            ],
            config.tasks,
        ),
        "report": (
            [
                MiningReport(
                    config.output,
                    config.logs,
                    STAGES[:-1],
                    DROP_STAGES,
                    config.secret_policy,
                    config.filters.licenses,
                )
            ],
            1,
        ),
    }


def preload_for_fork(config: ExecutorConfig) -> None:
    """Import now what every forked local worker would otherwise import on its own.

    pyarrow imports pandas (~0.4 s) on its first array conversion, and each stage forks
    fresh workers from this process; importing it here once spares that import to every
    worker of every stage.
    """
    if config.kind is ExecutorKind.LOCAL and config.start_method == "fork":
        import pyarrow as pa

        pa.array([0])


def build_executors(config: MiningConfig) -> list[PipelineExecutor]:
    """One executor per stage, each depending on the previous one; run the last."""
    for folder in ("exact_dups", "minhash_remove"):
        (config.work / folder).mkdir(parents=True, exist_ok=True)
    preload_for_fork(config.executor)
    executors: list[PipelineExecutor] = []
    for name, (pipeline, tasks) in stage_pipelines(config).items():
        depends = executors[-1] if executors else None
        executors.append(
            build_executor(pipeline, config.executor, name, depends=depends, tasks=tasks)
        )
    return executors


def run_mining(config: MiningConfig) -> Path:
    """Run (or resume) the whole pipeline; returns the path of ``stats.json``.

    With the local executor the stats exist when this returns; Slurm and Ray jobs write
    them when their last stage runs.
    """
    run_stages(build_executors(config), config.executor)
    return config.output / "stats.json"
