"""Contents of commits known only by metadata, fetched by sha from their remotes.

Commit metadata exported from BigQuery's GitHub tables names the commit, the repositories
that contain it and the file before and after, but not the contents. Each row is fetched
with a shallow ``git fetch --depth 2 <remote> <sha>`` into a scratch repository (the commit
and its parent are all that is needed), trying each listed repository in turn, with a
timeout per git command, retries with backoff for transient failures, and a thread pool
because the work is network-bound.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from curation.languages import language_for_path
from curation.mining.changes import select_paths
from curation.mining.filters import decode_source
from curation.mining.gitlog import BlobReader, GitError, git
from curation.mining.records import CommitRecord, split_message

_SHA = re.compile(r"^[0-9a-f]{40}$")
# stderr of a fetch whose remote answered but does not have the commit: retrying won't help.
_MISSING = re.compile(r"not our ref|couldn't find remote ref|no such remote ref|unadvertised", re.I)


@dataclass
class RemoteCommit:
    """One metadata row, in the shape of the BigQuery ``github_repos.commits`` export."""

    commit: str
    repos: list[str]
    old_file: str | None
    new_file: str | None
    subject: str = ""
    message: str = ""
    license: str | None = None
    unix_time: int | None = None

    @classmethod
    def from_row(cls, row: dict, index: int = 0) -> RemoteCommit:
        """Build from a dict; ``repos`` may be a list or a comma-separated string."""
        missing = [key for key in ("commit", "repos") if not row.get(key)]
        if missing:
            raise ValueError(f"commit metadata row {index}: missing {', '.join(missing)}")
        repos = row["repos"]
        if isinstance(repos, str):
            repos = [r.strip() for r in repos.split(",") if r.strip()]
        return cls(
            commit=str(row["commit"]).lower(),
            repos=list(repos),
            old_file=row.get("old_file"),
            new_file=row.get("new_file"),
            subject=row.get("subject") or "",
            message=row.get("message") or "",
            license=row.get("license"),
            unix_time=row.get("unix_time"),
        )


@dataclass(frozen=True)
class FetchConfig:
    """``timeout_s`` bounds each git command; ``retries`` applies to transient failures
    (timeouts, dropped connections), never to a remote that answered "no such commit"."""

    timeout_s: float = 60.0
    retries: int = 2
    backoff_s: float = 1.0
    workers: int = 8
    url_template: str = "{repo}"


@dataclass
class FetchResult:
    """The record, or ``None`` and the reason; ``attempts`` lists each remote's outcome."""

    row: RemoteCommit
    record: CommitRecord | None
    reason: str | None
    attempts: list[str] = field(default_factory=list)


class RemoteFetcher:
    """Fetches :class:`RemoteCommit` rows into :class:`CommitRecord` objects."""

    def __init__(self, config: FetchConfig | None = None) -> None:
        self.config = config or FetchConfig()

    def fetch(self, row: RemoteCommit) -> FetchResult:
        """Try each repository of the row until one has the commit."""
        path, reason = select_paths(row.old_file, row.new_file)
        if path is None:
            return FetchResult(row, None, reason)
        if not _SHA.match(row.commit):
            return FetchResult(row, None, "invalid_sha")
        result = FetchResult(row, None, "no_repository")
        for repo in row.repos:
            url = self.config.url_template.format(repo=repo)
            with tempfile.TemporaryDirectory(prefix="codepref-fetch-") as scratch:
                outcome = self._fetch_into(Path(scratch), url, row.commit)
                result.attempts.append(f"{repo}: {outcome}")
                if outcome == "ok":
                    record, reason = _read_record(Path(scratch), repo, row, path)
                    return FetchResult(row, record, reason, result.attempts)
            result.reason = outcome
        return result

    def fetch_all(self, rows: Iterable[RemoteCommit]) -> Iterator[FetchResult]:
        """Results in input order, with ``workers`` fetches in flight."""
        with ThreadPoolExecutor(max_workers=self.config.workers) as pool:
            yield from pool.map(self.fetch, rows)

    def _fetch_into(self, scratch: Path, url: str, sha: str) -> str:
        git(scratch, "init", "-q", "--bare")
        for attempt in range(self.config.retries + 1):
            try:
                git(
                    scratch,
                    "-c", "protocol.version=2", "fetch", "-q", "--no-tags", "--depth", "2",
                    url, sha, timeout=self.config.timeout_s,
                )  # fmt: skip
                return "ok"
            except GitError as error:
                message = str(error)
                if _MISSING.search(message):
                    return "sha_not_found"
                transient = "timed out" in message
                if not transient and _unreachable(message):
                    return "remote_unreachable"
                if attempt == self.config.retries:
                    return "fetch_timeout" if transient else "fetch_failed"
                time.sleep(self.config.backoff_s * 2**attempt)
        return "fetch_failed"


def _unreachable(message: str) -> bool:
    return bool(
        re.search(
            r"does not appear to be a git repository|could not read from remote"
            r"|could not resolve host|connection refused|unable to connect|repository .* not found",
            message,
            re.I,
        )
    )


def _read_record(
    scratch: Path, repo: str, row: RemoteCommit, path: str
) -> tuple[CommitRecord | None, str | None]:
    try:
        parents = git(scratch, "rev-list", "--parents", "-n", "1", row.commit).split()[1:]
    except GitError:
        return None, "sha_not_found"
    if len(parents) != 1:
        return None, "root_commit" if not parents else "merge_commit"
    parent = parents[0].decode()
    with BlobReader(scratch) as blobs:
        old = blobs.read(f"{parent}:{path}")
        new = blobs.read(f"{row.commit}:{path}")
    if old is None or new is None:
        return None, "file_not_in_commit"
    old_text, reason = decode_source(old)
    new_text, reason_new = decode_source(new)
    if old_text is None or new_text is None:
        return None, reason or reason_new
    subject, message = split_message(row.message or row.subject)
    return CommitRecord(
        repo=repo,
        commit=row.commit,
        parent=parent,
        path=path,
        language=language_for_path(path, new) or "",
        old_contents=old_text,
        new_contents=new_text,
        subject=row.subject or subject,
        message=message,
        license=row.license,
        committed_at=row.unix_time,
    ), None
