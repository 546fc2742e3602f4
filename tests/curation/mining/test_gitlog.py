"""Bulk history reading (``curation/mining/gitlog.py``) on real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.mining.gitlog import (
    BlobReader,
    GitError,
    find_repositories,
    iter_log,
    parse_log,
)
from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("log") / "repo"
    shas = build_repository(
        path,
        [
            SyntheticCommit(
                "Initial\n\nwith body", {"a.py": "x = 1\n", "dir with space/b.go": "package b\n"}
            ),
            SyntheticCommit("Edit a\n\nLine two\x1fwith a unit separator", {"a.py": "x = 2\n"}),
            SyntheticCommit("Rename b", renames={"dir with space/b.go": "c.go"}),
            SyntheticCommit("Side work", {"a.py": "x = 3\n"}, branch="side"),
            SyntheticCommit("Merge side", {"a.py": "x = 3\n"}, merge="side"),
        ],
    )
    return path, shas


def test_log_lists_every_commit_with_raw_changes(repo: tuple[Path, list[str]]) -> None:
    path, shas = repo
    commits = {c.sha: c for c in iter_log(path)}
    assert set(commits) == set(shas)
    root, edit, rename, side, merge = (commits[s] for s in shas)
    assert root.parents == [] and {c.path for c in root.changes} == {"a.py", "dir with space/b.go"}
    assert (
        edit.parents == [shas[0]] and edit.message == "Edit a\n\nLine two\x1fwith a unit separator"
    )
    [change] = edit.changes
    assert (change.status, change.path, change.old_mode, change.new_mode) == (
        "M",
        "a.py",
        "100644",
        "100644",
    )
    [moved] = rename.changes
    assert moved.status.startswith("R") and (moved.path, moved.new_path) == (
        "dir with space/b.go",
        "c.go",
    )
    assert merge.parents == [shas[2], shas[3]] and merge.changes == []
    assert side.author_time == 1_700_000_000 + 3 * 60


def test_blob_reader_reads_and_reports_missing(repo: tuple[Path, list[str]]) -> None:
    path, shas = repo
    edit = next(c for c in iter_log(path) if c.sha == shas[1])
    with BlobReader(path) as blobs:
        assert blobs.read(edit.changes[0].old_blob) == b"x = 1\n"
        assert blobs.read(edit.changes[0].new_blob) == b"x = 2\n"
        assert blobs.read("0" * 40) is None
        assert blobs.read(f"{shas[1]}:a.py") == b"x = 2\n"


def test_find_repositories(repo: tuple[Path, list[str]], tmp_path: Path) -> None:
    path, _ = repo
    assert find_repositories([path]) == [path]
    assert find_repositories([path.parent]) == [path]
    bare = tmp_path / "x.git"
    build_repository(bare, [SyntheticCommit("one", {"a.c": "int a;\n"})], bare=True)
    assert find_repositories([tmp_path]) == [bare]
    with pytest.raises(FileNotFoundError, match="not a git repository"):
        find_repositories([tmp_path / "missing"])


def test_malformed_log_output_is_an_error() -> None:
    with pytest.raises(GitError, match="unexpected token"):
        list(parse_log(iter([b"garbage"])))
    with pytest.raises(GitError, match="before any commit"):
        list(parse_log(iter([b"\n:100644 100644 a b M", b"x.py"])))


def test_log_of_a_missing_revision_fails(repo: tuple[Path, list[str]]) -> None:
    path, _ = repo
    with pytest.raises(GitError, match="git log failed"):
        list(iter_log(path, ["no-such-branch"]))
