"""Commit mining: git history walking, remote fetch by sha, candidate rule, filters."""

from __future__ import annotations

from curation.mining.filters import FilterConfig
from curation.mining.gitlog import BlobReader, GitError, find_repositories, iter_log
from curation.mining.history import Rejected, mine_repository
from curation.mining.licenses import PERMISSIVE_LICENSES, detect_license, repository_license
from curation.mining.records import CommitRecord
from curation.mining.remote import FetchConfig, RemoteCommit, RemoteFetcher

__all__ = [
    "PERMISSIVE_LICENSES",
    "BlobReader",
    "CommitRecord",
    "FetchConfig",
    "FilterConfig",
    "GitError",
    "Rejected",
    "RemoteCommit",
    "RemoteFetcher",
    "detect_license",
    "find_repositories",
    "iter_log",
    "mine_repository",
    "repository_license",
]
