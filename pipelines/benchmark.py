"""The ``benchmark`` pipeline: a held-out split of an assembled dataset, in CRB format,
that a reward model trained on the training split has provably not seen.

Three guards, each counted:

- a pair whose repository or task (its assembly group) also occurs in training;
- a pair whose prompt shares a 13-gram with a training prompt (``decontaminate`` names
  the columns compared; code columns are off by default because boilerplate such as
  input parsing legitimately repeats across problems, and an n-gram found in
  ``boilerplate_texts`` or more distinct training texts, such as a shared "Input: ...
  Output: ..." sentence, is boilerplate, not a leak);
- a commit pair older than ``time_cut`` (the published benchmark takes later commits than
  its training data, so a model cannot have memorised the fix).

The output is what ``bench/`` reads: ``id, prompt, chosen, rejected, language, aspect,
subset``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
from datatrove.pipeline.base import PipelineStep

from curation.assembly.records import Pair
from curation.assembly.splits import group_key
from curation.dedup.decontamination import DecontaminationIndex, ngram_hashes
from curation.executors import ExecutorConfig, build_executor, run_stages
from curation.run_fingerprint import replace_atomically, write_text_atomically
from curation.schema import CRB_PAIRS, validate

BENCHMARK_FILE = "benchmark.parquet"
STATS_FILE = "benchmark_stats.json"


@dataclass
class BenchmarkConfig:
    """``dataset`` is an assembled dataset folder (``data/{split}/*.parquet``)."""

    dataset: Path
    out: Path
    split: str = "test"
    train_split: str = "train"
    ngram: int = 13
    time_cut: str | None = None  # ISO date; commit pairs before it are not benchmark pairs
    decontaminate: tuple[str, ...] = ("prompt",)
    boilerplate_texts: int = 3
    executor: ExecutorConfig = field(default_factory=ExecutorConfig)

    def __post_init__(self) -> None:
        self.dataset, self.out = Path(self.dataset), Path(self.out)
        if self.executor.logging_dir is None:
            self.executor.logging_dir = str(self.out / "logs")
        if self.split == self.train_split:
            raise ValueError("the benchmark split must differ from the training split")
        self.decontaminate = tuple(self.decontaminate)
        unknown = set(self.decontaminate) - {"prompt", "chosen", "rejected"}
        if unknown:
            raise ValueError(f"decontaminate: unknown column(s) {sorted(unknown)}")


def read_split(dataset: Path, split: str) -> pl.DataFrame:
    files = sorted((dataset / "data" / split).glob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"{dataset}: no Parquet shards under data/{split}/")
    return pl.read_parquet(files)


_PAIR_COLUMNS = (
    "id", "prompt", "chosen", "rejected", "language", "aspect", "source", "label_method",
)  # fmt: skip


def _pair(row: dict) -> Pair:
    evidence = json.loads(row["evidence"]) if row.get("evidence") else {}
    return Pair(**{k: row[k] for k in _PAIR_COLUMNS}, evidence=evidence)


def _committed_before(evidence: dict, cut: datetime) -> bool:
    stamp = evidence.get("committed_at")
    if stamp is None:
        return False
    when = datetime.fromtimestamp(stamp, UTC) if isinstance(stamp, int | float) else None
    if when is None:
        when = datetime.fromisoformat(str(stamp))
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return when < cut


def training_index(texts: set[str], n: int, boilerplate_texts: int) -> DecontaminationIndex:
    """The n-grams of the distinct training texts, less those shared by
    ``boilerplate_texts`` or more of them."""
    frequency: Counter[int] = Counter()
    for text in texts:
        frequency.update(ngram_hashes(text, n))
    kept = frozenset(h for h, count in frequency.items() if count < boilerplate_texts)
    return DecontaminationIndex(kept, n, len(texts))


def select_benchmark(
    train: pl.DataFrame, held_out: pl.DataFrame, config: BenchmarkConfig
) -> tuple[list[dict], Counter[str]]:
    """The held-out rows that pass the three guards, in CRB columns; and drops by reason."""
    train_groups = {group_key(_pair(row)) for row in train.iter_rows(named=True)}
    index = training_index(
        {text for column in config.decontaminate for text in train[column]},
        config.ngram,
        config.boilerplate_texts,
    )
    cut = datetime.fromisoformat(config.time_cut) if config.time_cut else None
    if cut is not None and cut.tzinfo is None:
        cut = cut.replace(tzinfo=UTC)
    drops: Counter[str] = Counter()
    kept: list[dict] = []
    for row in held_out.iter_rows(named=True):
        pair = _pair(row)
        if group_key(pair) in train_groups:
            drops["group_in_training"] += 1
        elif (
            cut is not None
            and pair.label_method == "commit"
            and _committed_before(pair.evidence, cut)
        ):
            drops["before_time_cut"] += 1
        elif any(index.contaminated(row[c]) for c in config.decontaminate):
            drops["ngram_overlap"] += 1
        else:
            kept.append(
                {
                    "id": row["id"],
                    "prompt": row["prompt"],
                    "chosen": row["chosen"],
                    "rejected": row["rejected"],
                    "language": row["language"],
                    "aspect": row["aspect"],
                    "subset": row["source"],
                }
            )
    return kept, drops


class BuildBenchmark(PipelineStep):
    """One task: read both splits, apply the guards, write the CRB-format file and stats."""

    name = "🧪 Build benchmark"
    type = "💽 - WRITER"

    def __init__(self, config: BenchmarkConfig) -> None:
        super().__init__()
        self.config = config

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        config = self.config
        train = read_split(config.dataset, config.train_split)
        held_out = read_split(config.dataset, config.split)
        kept, drops = select_benchmark(train, held_out, config)
        for reason, count in drops.items():
            self.stat_update(f"dropped_{reason}", value=count)
        self.stat_update("kept", value=len(kept))
        config.out.mkdir(parents=True, exist_ok=True)
        table = validate(
            pl.DataFrame(kept, schema=dict.fromkeys(CRB_PAIRS.names, pl.String)).to_arrow(),
            CRB_PAIRS,
            name="benchmark",
        )
        replace_atomically(
            config.out / BENCHMARK_FILE, partial(pq.write_table, table, compression="zstd")
        )
        stats = {
            "held_out": held_out.height,
            "kept": len(kept),
            "drops_by_reason": dict(sorted(drops.items())),
            "by_aspect": dict(sorted(Counter(r["aspect"] for r in kept).items())),
            "by_language": dict(sorted(Counter(r["language"] for r in kept).items())),
        }
        write_text_atomically(config.out / STATS_FILE, json.dumps(stats, indent=2) + "\n")
        yield from ()


def run_benchmark(config: BenchmarkConfig) -> dict:
    """Build (or, when its completion marker exists, keep) the benchmark; returns its stats."""
    executor = build_executor([BuildBenchmark(config)], config.executor, "benchmark", tasks=1)
    run_stages([executor], config.executor)
    return json.loads((config.out / STATS_FILE).read_text())
