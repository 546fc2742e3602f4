"""Reader steps of the mining pipeline: local histories, remote commits by sha, shards.

Readers count every commit they see (``rows_in``) and every commit they reject under
``dropped_<reason>``, so that the final report can show that rows in = rows out + drops.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pyarrow.parquet as pq
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.mining.gitlog import find_repositories
from curation.mining.history import Rejected, mine_repository, repository_name
from curation.mining.records import row_to_document, to_document
from curation.mining.remote import FetchConfig, RemoteCommit, RemoteFetcher

ROWS_IN = "rows_in"


class LocalHistoryReader(PipelineStep):
    """Walk local repositories (bare or checked out, or directories of them).

    Tasks split the work by repository or by commit (see :meth:`shard`). ``license``
    overrides licence detection for every repository; ``licenses`` does so per name.
    """

    type = "📖 - READER"
    name = "🌳 git history"

    def __init__(
        self,
        repos: Sequence[str | Path],
        license: str | None = None,
        licenses: dict[str, str] | None = None,
        revisions: Sequence[str] = ("--all",),
    ) -> None:
        super().__init__()
        self.repos = [str(path) for path in find_repositories(repos)]
        self.license = license
        self.licenses = dict(licenses or {})
        self.revisions = tuple(revisions)

    def shard(self, rank: int, world_size: int) -> tuple[list[str], int, int]:
        """(repositories, commit rank, commit world size) of one task.

        With at least as many repositories as tasks each task takes whole repositories, so
        no log is walked twice; with fewer, every task walks every log and keeps its share
        of the commits, so a single large repository still uses all tasks.
        """
        if len(self.repos) >= world_size:
            return self.repos[rank::world_size], 0, 1
        return self.repos, rank, world_size

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1):
        if data:
            yield from data
        repos, commit_rank, commit_world = self.shard(rank, world_size)
        for repo in map(Path, repos):
            name = repository_name(repo)
            override = self.licenses.get(name, self.license)
            items = mine_repository(
                repo,
                name=name,
                license_id=override,
                rank=commit_rank,
                world_size=commit_world,
                revisions=self.revisions,
            )
            for item in items:
                self.stat_update(ROWS_IN)
                if isinstance(item, Rejected):
                    self.stat_update(f"dropped_{item.reason}")
                    continue
                with self.track_time():
                    doc = to_document(item)
                self.stat_update("candidates")
                yield doc


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


class CommitShardReader(PipelineStep):
    """Read back shard ``<folder>/<rank>.parquet`` written by an earlier stage.

    datatrove's ``ParquetReader`` spreads *existing* files over ranks, so a rank that
    wrote nothing would shift every later rank onto a neighbour's file; the dedup stages
    need rank ``r`` to see exactly the documents that rank ``r`` signed, in order.

    With ``columns`` only those are read (documents then carry ``new_contents`` as text and
    the other columns as metadata): the signature stage needs the new code and its language,
    not the old version and the diff that make up most of a shard's bytes.
    """

    type = "📖 - READER"
    name = "🧩 commit shard"

    def __init__(self, folder: str | Path, columns: Sequence[str] | None = None) -> None:
        super().__init__()
        self.folder = str(folder)
        self.columns = list(columns) if columns is not None else None
        if self.columns is not None and not {"id", "new_contents"} <= set(self.columns):
            raise ValueError("CommitShardReader columns must include id and new_contents")

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1):
        if data:
            yield from data
        path = Path(self.folder) / f"{rank:05d}.parquet"
        if not path.exists():
            return
        shard = pq.ParquetFile(path)
        for batch in shard.iter_batches(batch_size=256, columns=self.columns):
            for row in batch.to_pylist():
                self.stat_update("documents")
                if self.columns is None:
                    yield row_to_document(row)
                else:
                    yield Document(text=row.pop("new_contents"), id=row.pop("id"), metadata=row)
