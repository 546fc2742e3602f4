"""Reader steps of the mining pipeline: local histories, remote commits by sha, shards.

Readers count every commit they see (``rows_in``) and every commit they reject under
``dropped_<reason>``, so that the final report can show that rows in = rows out + drops.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.mining.filters import license_reason
from curation.mining.gitlog import find_repositories, git
from curation.mining.history import Rejected, mine_repository, repository_name, task_share
from curation.mining.licenses import repository_license
from curation.mining.records import row_to_document, to_document
from curation.mining.remote import FetchConfig, RemoteCommit, RemoteFetcher
from curation.steps.mining.repositories import (
    LICENSE_PREFIX,
    REPO_PREFIX,
    objects_size,
    shard_by_size,
)

ROWS_IN = "rows_in"
# Metadata key of a row handle's row number in its shard (CommitShardRows).
SHARD_ROW = "shard_row"


def tally(step: PipelineStep, counts: Counter[str]) -> None:
    """Adds event counts to a step's stats in one update per label (unit: batch).

    The mining steps count per batch of documents instead of per document: a datatrove
    stat update costs a few microseconds, and a dozen per commit added up to a tenth of
    the mine stage."""
    for label, count in counts.items():
        step.stat_update(label, value=count, unit="batch")


class LocalHistoryReader(PipelineStep):
    """Walk local repositories (bare or checked out, or directories of them).

    Tasks split the work by repository or by commit (see :meth:`shard`). ``license``
    overrides licence detection for every repository; ``licenses`` does so per name.
    With ``allowed_licenses`` a repository outside it is dropped whole before its history
    is read: its commits are counted (one ``git rev-list --count``) under
    ``license_not_allowed`` or ``license_unknown``, and none of its diffs or blobs is read.
    """

    type = "📖 - READER"
    name = "🌳 git history"

    def __init__(
        self,
        repos: Sequence[str | Path],
        license: str | None = None,
        licenses: dict[str, str] | None = None,
        revisions: Sequence[str] = ("--all",),
        allowed_licenses: Collection[str] | None = None,
    ) -> None:
        super().__init__()
        self.repos = [str(path) for path in find_repositories(repos)]
        self.license = license
        self.licenses = dict(licenses or {})
        self.revisions = tuple(revisions)
        self.allowed_licenses = None if allowed_licenses is None else frozenset(allowed_licenses)

    def shard(self, rank: int, world_size: int) -> tuple[list[str], int, int]:
        """(repositories, commit rank, commit world size) of one task.

        With at least as many repositories as tasks each task takes whole repositories,
        balanced by size (``mining_repositories.shard_by_size``); with fewer, every task
        takes its round-robin share of every log (``history.task_commits``), so a single
        large repository still uses all tasks evenly and its changes are computed once.
        """
        if len(self.repos) >= world_size:
            sizes = [objects_size(Path(repo)) for repo in self.repos]
            return shard_by_size(self.repos, world_size, sizes)[rank], 0, 1
        return self.repos, rank, world_size

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1):
        if data:
            yield from data
        repos, commit_rank, commit_world = self.shard(rank, world_size)
        for repo in map(Path, repos):
            name = repository_name(repo)
            license_id = self.licenses.get(name, self.license) or repository_license(repo)
            counts: Counter[str] = Counter({f"{LICENSE_PREFIX}{name}/{license_id or 'unknown'}": 1})
            refused = self.allowed_licenses is not None and license_reason(
                license_id, self.allowed_licenses
            )
            if refused:
                commits = self._commit_count(repo, commit_rank, commit_world)
                counts.update({ROWS_IN: commits, f"dropped_{refused}": commits})
                counts[f"{REPO_PREFIX}{name}/commits"] = commits
                tally(self, counts)
                continue
            items = mine_repository(
                repo,
                name=name,
                license_id=license_id,
                rank=commit_rank,
                world_size=commit_world,
                revisions=self.revisions,
            )
            try:
                for item in items:
                    counts[ROWS_IN] += 1
                    if isinstance(item, Rejected):
                        counts[f"dropped_{item.reason}"] += 1
                        continue
                    counts["candidates"] += 1
                    yield to_document(item)
            finally:
                counts[f"{REPO_PREFIX}{name}/commits"] = counts[ROWS_IN]
                counts[f"{REPO_PREFIX}{name}/candidates"] = counts["candidates"]
                tally(self, counts)

    def _commit_count(self, repo: Path, rank: int, world_size: int) -> int:
        """The commits this task would have mined in ``repo``: its share of the log."""
        count = int(git(repo, "rev-list", "--count", *self.revisions))
        return task_share(count, rank, world_size)


class RemoteCommitReader(PipelineStep):
    """Commit metadata rows (Parquet or JSON Lines, BigQuery shape) fetched by sha.

    Rows are split over tasks by position; within a task ``FetchConfig.workers`` fetches
    run at once. A row that no listed remote can serve is dropped under the reason of the
    last attempt (``sha_not_found``, ``remote_unreachable``, ``fetch_timeout``...).
    """

    type = "📖 - READER"
    name = "🛰 remote commits"

    def __init__(self, metadata: Sequence[str | Path], fetch: FetchConfig | None = None) -> None:
        super().__init__()
        self.metadata = [str(p) for p in metadata]
        self.fetch = fetch or FetchConfig()

    def _rows(self, rank: int, world_size: int) -> list[RemoteCommit]:
        rows: list[RemoteCommit] = []
        index = 0
        for path in self.metadata:
            for raw in _read_rows(Path(path)):
                if index % world_size == rank:
                    try:
                        rows.append(RemoteCommit.from_row(raw, index))
                    except ValueError as error:
                        raise ValueError(f"{path}: {error}") from error
                index += 1
        return rows

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1):
        if data:
            yield from data
        fetcher = RemoteFetcher(self.fetch)
        for result in fetcher.fetch_all(self._rows(rank, world_size)):
            self.stat_update(ROWS_IN)
            if result.record is None:
                self.stat_update(f"dropped_{result.reason}")
                continue
            self.stat_update("candidates")
            yield to_document(result.record)


def _read_rows(path: Path) -> list[dict]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    if path.suffix in (".jsonl", ".json"):
        lines = path.read_text("utf-8").splitlines()
        rows = []
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}:{number}: not JSON: {error}") from error
        return rows
    raise ValueError(f"{path}: commit metadata must be .parquet or .jsonl")


class _RankShardStep(PipelineStep):
    """A step over shard ``<folder>/<rank>.parquet`` written by an earlier stage for the
    same rank."""

    type = "📖 - READER"

    def __init__(self, folder: str | Path) -> None:
        super().__init__()
        self.folder = str(folder)

    def shard_path(self, rank: int) -> Path:
        return Path(self.folder) / f"{rank:05d}.parquet"


class CommitShardReader(_RankShardStep):
    """Read back shard ``<folder>/<rank>.parquet`` written by an earlier stage.

    datatrove's ``ParquetReader`` spreads *existing* files over ranks, so a rank that
    wrote nothing would shift every later rank onto a neighbour's file; the dedup stages
    need rank ``r`` to see exactly the documents that rank ``r`` signed, in order.
    """

    name = "🧩 commit shard"

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1):
        if data:
            yield from data
        path = self.shard_path(rank)
        if not path.exists():
            return
        shard = pq.ParquetFile(path)
        for batch in shard.iter_batches(batch_size=256):
            for row in batch.to_pylist():
                self.stat_update("documents")
                yield row_to_document(row)


class CommitShardRows(_RankShardStep):
    """Handles on the rows of shard ``<folder>/<rank>.parquet``: one document per row that
    carries only the commit id and its row number (``metadata[SHARD_ROW]``).

    The write stage drops most mined rows as duplicates, by position; building every row
    as a full document first was most of that stage's time. Handles go through the dedup
    filters (their ``doc_len`` stats read 0), then :class:`CommitShardLoader` reads the
    rows that are left. A missing shard (a task that mined nothing) yields nothing.
    """

    name = "🧩 commit shard rows"

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1):
        if data:
            yield from data
        path = self.shard_path(rank)
        if not path.exists():
            return
        ids = pq.read_table(path, columns=["id"]).column("id").to_pylist()
        self.stat_update("documents", value=len(ids))
        for row, commit_id in enumerate(ids):
            yield Document(text="", id=commit_id, metadata={SHARD_ROW: row})


class CommitShardLoader(_RankShardStep):
    """Replaces :class:`CommitShardRows` handles by their full commits, in order, reading
    each row group of the shard that holds one of them once."""

    name = "🧩 commit shard rows, loaded"

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        path = self.shard_path(rank)
        shard: pq.ParquetFile | None = None
        group_ends = np.empty(0, dtype=np.int64)
        group, pending = -1, []
        for handle in data:
            if shard is None:
                shard = pq.ParquetFile(path)
                sizes = [shard.metadata.row_group(i).num_rows for i in range(shard.num_row_groups)]
                group_ends = np.cumsum(sizes)
            row_group = int(np.searchsorted(group_ends, handle.metadata[SHARD_ROW], side="right"))
            if row_group != group and pending:
                yield from self._load(shard, group, int(group_ends[group]), pending, path)
                pending = []
            group = row_group
            pending.append(handle)
        if pending and shard is not None:
            yield from self._load(shard, group, int(group_ends[group]), pending, path)

    def _load(
        self, shard: pq.ParquetFile, group: int, end: int, handles: list[Document], path: Path
    ) -> list[Document]:
        with self.track_time():
            table = shard.read_row_group(group)
            start = end - table.num_rows
            rows = table.take([handle.metadata[SHARD_ROW] - start for handle in handles])
            docs = [row_to_document(row) for row in rows.to_pylist()]
        for handle, doc in zip(handles, docs, strict=True):
            if doc.id != handle.id:
                raise ValueError(
                    f"{path}: row {handle.metadata[SHARD_ROW]} holds {doc.id}, expected "
                    f"{handle.id}; the shard changed while the stage ran"
                )
        self.stat_update("loaded", value=len(docs))
        return docs
