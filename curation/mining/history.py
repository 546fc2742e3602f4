"""Candidate commits of a local repository, as records or as counted rejections.

This is the logic of the local reader step without datatrove: walk the log, apply the
candidate rule, read the two blobs of each surviving commit, decode them, and yield either
a :class:`CommitRecord` or the reason the commit was rejected.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from curation.languages import language_for_path
from curation.mining.changes import Candidate, select_change
from curation.mining.filters import decode_source
from curation.mining.gitlog import BlobReader, LogCommit, git, iter_log
from curation.mining.licenses import repository_license
from curation.mining.records import CommitRecord, split_message

# Candidates whose blobs are requested from git in one round trip.
_BATCH = 256
# The drop reason of a commit whose log entry or blobs the repository cannot provide.
UNREADABLE_OBJECT = "unreadable_object"
# Consecutive commits of the log that go to the same task (see task_commits).
DEAL_RUN = 64


@dataclass(frozen=True)
class Rejected:
    """A commit that is not a candidate, and why."""

    commit: str
    reason: str


def task_commits(repo: Path, revisions: Sequence[str], rank: int, world_size: int) -> list[str]:
    """The commits task ``rank`` of ``world_size`` mines: the walk dealt in runs of
    :data:`DEAL_RUN` commits, run ``i`` to task ``i mod world_size``.

    Dealt round-robin, every task gets old and new commits alike, so the tasks finish
    together: contiguous windows of the log gave one task the recent history, with the
    largest files and most of the commits that survive the filters (three quarters of the
    mine stage's work on a real Go history). Runs rather than single commits keep
    neighbours together, whose shared file versions are parsed once (``ParseCache``).
    The log still computes each commit's changes once in all (:func:`iter_log` with
    ``commits``).
    """
    walk = git(repo, "rev-list", *revisions).split()
    return [
        walk[index].decode()
        for start in range(rank * DEAL_RUN, len(walk), world_size * DEAL_RUN)
        for index in range(start, min(start + DEAL_RUN, len(walk)))
    ]


def task_share(count: int, rank: int, world_size: int) -> int:
    """How many of ``count`` commits :func:`task_commits` deals to task ``rank``."""
    return sum(
        min(DEAL_RUN, count - start)
        for start in range(rank * DEAL_RUN, count, world_size * DEAL_RUN)
    )


def repository_name(repo: Path) -> str:
    """The name a repository is known by in the output (``foo`` for ``/x/foo.git``)."""
    return repo.resolve().name.removesuffix(".git")


def mine_repository(
    repo: Path,
    *,
    name: str | None = None,
    license_id: str | None = None,
    rank: int = 0,
    world_size: int = 1,
    revisions: tuple[str, ...] = ("--all",),
) -> Iterator[CommitRecord | Rejected]:
    """Every commit of this task's shard: a record for candidates, a rejection otherwise.

    ``license_id`` overrides the licence found in the repository's licence file.
    """
    name = name or repository_name(repo)
    license_id = license_id or repository_license(repo)
    commits = None
    if world_size > 1:
        commits = task_commits(repo, revisions, rank, world_size)
        if not commits:
            return
    with BlobReader(repo) as blobs:
        pending: list[tuple[LogCommit, Candidate]] = []
        for commit in iter_log(repo, revisions, commits):
            if commit.unreadable:
                yield Rejected(commit.sha, UNREADABLE_OBJECT)
                continue
            candidate, reason = select_change(commit.parents, commit.changes)
            if candidate is None:
                yield Rejected(commit.sha, reason or "not_a_candidate")
                continue
            pending.append((commit, candidate))
            if len(pending) == _BATCH:
                yield from _records(blobs, pending, name, license_id)
                pending = []
        yield from _records(blobs, pending, name, license_id)


def _records(
    blobs: BlobReader,
    pending: list[tuple[LogCommit, Candidate]],
    name: str,
    license_id: str | None,
) -> Iterator[CommitRecord | Rejected]:
    """Read the blobs of a batch of candidates in one round trip and build their records."""
    contents = blobs.read_many([b for _, c in pending for b in (c.old_blob, c.new_blob)])
    for index, (commit, candidate) in enumerate(pending):
        old, new = contents[2 * index], contents[2 * index + 1]
        if old is None or new is None:
            yield Rejected(commit.sha, UNREADABLE_OBJECT)
            continue
        old_text, old_reason = decode_source(old)
        new_text, new_reason = decode_source(new)
        if old_text is None or new_text is None:
            yield Rejected(commit.sha, old_reason or new_reason or "undecodable")
            continue
        subject, message = split_message(commit.message)
        yield CommitRecord(
            repo=name,
            commit=commit.sha,
            parent=commit.parents[0],
            path=candidate.path,
            language=candidate.language or language_for_path(candidate.path, new) or "",
            old_contents=old_text,
            new_contents=new_text,
            subject=subject,
            message=message,
            license=license_id,
            committed_at=commit.author_time,
        )
