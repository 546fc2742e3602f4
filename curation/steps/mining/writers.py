"""Writers of the mining pipeline: ``commits`` Parquet shards and the stats report."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.data import Document, DocumentsPipeline
from datatrove.io import DataFolderLike, get_datafolder
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.writers.parquet import ParquetWriter

from curation.mining.licenses import PERMISSIVE_LICENSES
from curation.mining.records import documents_to_table
from curation.schema import COMMITS
from curation.steps.mining.privacy import privacy_counts
from curation.steps.mining.readers import ROWS_IN
from curation.steps.mining.repositories import repository_counts


def rank_shard_writer(folder: str | Path, schema: pa.Schema, adapter) -> ParquetWriter:
    """One zstd Parquet shard per task, ``<rank>.parquet``, in ``schema``.

    One file per rank (no size rotation) keeps reruns idempotent: a task that is killed
    and rerun overwrites its own shard instead of adding a second one.
    """
    return ParquetWriter(
        str(folder),
        output_filename="${rank}.parquet",
        compression="zstd",
        adapter=adapter,
        schema=schema,
        max_file_size=-1,
        use_content_defined_chunking=False,
    )


class CommitShardWriter(PipelineStep):
    """Writes task ``rank``'s documents to ``<folder>/<rank>.parquet`` (the ``commits``
    table, zstd) and passes them on.

    One file per rank (no size rotation) keeps reruns idempotent: a task that is killed and
    rerun overwrites its own shard instead of adding a second one. Columns are gathered
    straight from the documents a batch at a time; datatrove's ``ParquetWriter`` builds a
    dict per row and resolves the output name per document, which for this fixed schema
    cost five times as much. A task without documents writes no file.
    """

    type = "💽 - WRITER"
    name = "📒 commits shard"

    def __init__(self, output_folder: DataFolderLike, batch_size: int = 1000) -> None:
        super().__init__()
        self.output_folder = get_datafolder(output_folder)
        self.batch_size = batch_size

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        batch: list[Document] = []
        with contextlib.ExitStack() as stack:
            writer: pq.ParquetWriter | None = None
            for doc in data:
                batch.append(doc)
                if len(batch) == self.batch_size:
                    writer = writer or self._open(stack, rank)
                    self._write(writer, batch)
                    batch = []
                yield doc
            if batch:
                self._write(writer or self._open(stack, rank), batch)

    def _open(self, stack: contextlib.ExitStack, rank: int) -> pq.ParquetWriter:
        file = stack.enter_context(self.output_folder.open(f"{rank:05d}.parquet", mode="wb"))
        return stack.enter_context(pq.ParquetWriter(file, COMMITS, compression="zstd"))

    def _write(self, writer: pq.ParquetWriter, batch: list[Document]) -> None:
        with self.track_time():
            writer.write_table(documents_to_table(batch))
        self.stat_update("written", value=len(batch))


# datatrove's dedup filters count a plain "dropped"; these are the reasons they stand for.
_UNLABELLED_DROPS = {
    "exact-deduplication stage 3": "exact_duplicate",
    "MinHash stage 4": "near_duplicate",
}


def _value(metric: int | float | dict) -> float:
    return metric["total"] if isinstance(metric, dict) else metric


def load_stage_stats(logging_dir: Path) -> list[dict[str, float]]:
    """Per step of a stage, the sum over *all* its task stats files, so that tasks that
    completed in an earlier (interrupted) run are counted exactly once."""
    totals: list[Counter[str]] = []
    names: list[str] = []
    for path in sorted((logging_dir / "stats").glob("*.json")):
        steps = json.loads(path.read_text("utf-8"))
        for position, step in enumerate(steps):
            if position == len(totals):
                totals.append(Counter())
                names.append(step["name"])
            for key, metric in step["stats"].items():
                totals[position][key] += _value(metric)
    return [{"step": name, **counts} for name, counts in zip(names, totals, strict=True)]


def drops_by_reason(stages: dict[str, list[dict[str, float]]]) -> dict[str, int]:
    drops: Counter[str] = Counter()
    for steps in stages.values():
        for step in steps:
            labelled = False
            for key, value in step.items():
                if key.startswith("dropped_"):
                    drops[key.removeprefix("dropped_")] += int(value)
                    labelled = True
            reason = next((r for n, r in _UNLABELLED_DROPS.items() if n in step["step"]), None)
            if reason and not labelled and step.get("dropped"):
                drops[reason] += int(step["dropped"])
    return dict(sorted(drops.items()))


def output_counts(folder: Path) -> dict:
    """Rows out, per language, per aspect, and per language and aspect."""
    languages: Counter[str] = Counter()
    repos: Counter[str] = Counter()
    aspects: Counter[str] = Counter()
    pairs: dict[str, Counter[str]] = {}
    rows = 0
    for path in sorted(folder.glob("*.parquet")):
        table = pq.read_table(path, columns=["repo", "language", "aspects"])
        columns = [table[name].to_pylist() for name in ("repo", "language", "aspects")]
        for repo, language, tags in zip(*columns, strict=True):
            rows += 1
            repos[repo] += 1
            languages[language] += 1
            for aspect in tags or []:
                aspects[aspect] += 1
                pairs.setdefault(language, Counter())[aspect] += 1
    return {
        "rows_out": rows,
        "by_language": dict(sorted(languages.items())),
        "by_aspect": dict(sorted(aspects.items())),
        "by_language_aspect": {k: dict(sorted(v.items())) for k, v in sorted(pairs.items())},
        "by_repository": dict(sorted(repos.items())),
    }


class MiningReport(PipelineStep):
    """Writes ``stats.json``: rows in and out, drops by reason, languages and aspects.

    It runs as the last stage (one task, depending on the writer stage), so it works the
    same under the local, Slurm and Ray executors, and reads every stage's per-task
    stats, so it is right after a resumed run too.
    """

    type = "📊 - STATS"
    name = "📊 mining report"

    def __init__(
        self,
        output_folder: str | Path,
        logs_folder: str | Path,
        stages: Sequence[str],
        drop_stages: Sequence[str],
        secret_policy: str = "drop",
        licenses: Collection[str] = PERMISSIVE_LICENSES,
    ) -> None:
        super().__init__()
        self.output_folder = str(output_folder)
        self.logs_folder = str(logs_folder)
        self.stages = list(stages)
        self.drop_stages = list(drop_stages)
        self.secret_policy = str(secret_policy)
        self.licenses = sorted(licenses)

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1):
        if data:
            yield from data
        logs = Path(self.logs_folder)
        stages = {name: load_stage_stats(logs / name) for name in self.stages}
        rows_in = int(sum(step.get(ROWS_IN, 0) for step in stages[self.stages[0]]))
        drops = drops_by_reason({name: stages[name] for name in self.drop_stages})
        counts = output_counts(Path(self.output_folder) / "commits")
        repositories = repository_counts(
            stages[self.stages[0]], counts.pop("by_repository"), self.licenses
        )
        report = {
            "rows_in": rows_in,
            **counts,
            "dropped": sum(drops.values()),
            "drops_by_reason": drops,
            "accounted": rows_in == counts["rows_out"] + sum(drops.values()),
            "repositories": repositories,
            "repositories_not_allowed": sum(not r["allowed"] for r in repositories.values()),
            "privacy": privacy_counts(
                [step for name in self.drop_stages for step in stages[name]], self.secret_policy
            ),
            "stages": stages,
        }
        path = Path(self.output_folder) / "stats.json"
        path.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
        self.stat_update("rows_out", value=counts["rows_out"])
