"""Remote fetch by sha (``curation/mining/remote.py``) against ``file://`` bare repos."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from curation.mining.remote import FetchConfig, RemoteCommit, RemoteFetcher
from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository

OLD = "def area(width, height):\n    return width * width\n"
NEW = "def area(width, height):\n    return width * height\n"


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("remote") / "origin.git"
    shas = build_repository(
        path,
        [
            SyntheticCommit("Initial import", {"geometry/area.py": OLD, "README.md": "x\n"}),
            SyntheticCommit("Fix incorrect area computation", {"geometry/area.py": NEW}),
            SyntheticCommit("Document the area helper", {"README.md": "area\n"}),
        ],
        bare=True,
    )
    return path, shas


def _row(sha: str, repos: list[str], path: str = "geometry/area.py") -> RemoteCommit:
    return RemoteCommit.from_row(
        {
            "commit": sha,
            "repos": repos,
            "old_file": path,
            "new_file": path,
            "subject": "Fix incorrect area computation",
            "message": "Fix incorrect area computation\n\nUse the height.",
            "license": "MIT",
            "unix_time": 1_700_000_060,
        }
    )


def test_fetch_by_sha_reads_both_versions(remote: tuple[Path, list[str]]) -> None:
    path, shas = remote
    result = RemoteFetcher(FetchConfig(timeout_s=30)).fetch(_row(shas[1], [path.as_uri()]))
    assert result.reason is None and result.attempts == [f"{path.as_uri()}: ok"]
    record = result.record
    assert record is not None
    assert (record.commit, record.parent) == (shas[1], shas[0])
    assert (record.old_contents, record.new_contents) == (OLD, NEW)
    assert (record.language, record.license, record.committed_at) == (
        "Python",
        "MIT",
        1_700_000_060,
    )
    assert record.message == "Fix incorrect area computation\n\nUse the height."


def test_missing_sha_and_unreachable_remote(remote: tuple[Path, list[str]], tmp_path: Path) -> None:
    path, shas = remote
    fetcher = RemoteFetcher(FetchConfig(timeout_s=30, retries=2, backoff_s=5))
    missing = fetcher.fetch(_row("1" * 40, [path.as_uri()]))
    assert (missing.record, missing.reason) == (None, "sha_not_found")
    unreachable_url = (tmp_path / "nowhere.git").as_uri()
    started = time.monotonic()
    unreachable = fetcher.fetch(_row(shas[1], [unreachable_url]))
    assert (unreachable.record, unreachable.reason) == (None, "remote_unreachable")
    assert time.monotonic() - started < 5, "a remote that is not there is not retried"


def test_each_listed_repo_is_tried_in_turn(remote: tuple[Path, list[str]], tmp_path: Path) -> None:
    path, shas = remote
    dead = (tmp_path / "dead.git").as_uri()
    result = RemoteFetcher().fetch(_row(shas[1], [dead, path.as_uri()]))
    assert result.record is not None and result.record.repo == path.as_uri()
    assert result.attempts == [f"{dead}: remote_unreachable", f"{path.as_uri()}: ok"]


def test_rows_that_are_not_candidates(remote: tuple[Path, list[str]]) -> None:
    path, shas = remote
    fetcher = RemoteFetcher()
    root = fetcher.fetch(_row(shas[0], [path.as_uri()]))
    assert root.reason == "root_commit"
    readme = fetcher.fetch(_row(shas[2], [path.as_uri()], path="README.md"))
    assert readme.reason == "not_a_language"
    wrong_file = fetcher.fetch(_row(shas[2], [path.as_uri()], path="geometry/other.py"))
    assert wrong_file.reason == "file_not_in_commit"
    renamed = RemoteCommit.from_row(
        {"commit": shas[1], "repos": "a,b", "old_file": "a.py", "new_file": "b.py"}
    )
    assert renamed.repos == ["a", "b"] and fetcher.fetch(renamed).reason == "renamed_file"
    assert fetcher.fetch(_row("xyz", [path.as_uri()])).reason == "invalid_sha"


def test_timeout_is_per_command(remote: tuple[Path, list[str]]) -> None:
    path, shas = remote
    result = RemoteFetcher(FetchConfig(timeout_s=0.001, retries=1, backoff_s=0.01)).fetch(
        _row(shas[1], [path.as_uri()])
    )
    assert result.record is None and result.reason == "fetch_timeout"


def test_fetch_all_keeps_order_with_concurrency(remote: tuple[Path, list[str]]) -> None:
    path, shas = remote
    rows = [_row(shas[1], [path.as_uri()]), _row("2" * 40, [path.as_uri()])] * 3
    results = list(RemoteFetcher(FetchConfig(workers=4)).fetch_all(rows))
    assert [r.reason for r in results] == [None, "sha_not_found"] * 3


def test_bad_metadata_row_names_the_row() -> None:
    with pytest.raises(ValueError, match="row 7: missing repos"):
        RemoteCommit.from_row({"commit": "a" * 40}, 7)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def daemon(remote: tuple[Path, list[str]]) -> Iterator[str]:
    """``git daemon`` serving the remote's folder on loopback: a real network transport."""
    path, _ = remote
    port = _free_port()
    try:
        process = subprocess.Popen(
            ["git", "daemon", "--export-all", f"--base-path={path.parent}",
             "--listen=127.0.0.1", f"--port={port}", "--reuseaddr", str(path.parent)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except FileNotFoundError:
        pytest.skip("git is not installed")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.skip("git daemon is not available on this machine")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"git://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def test_fetch_over_git_daemon(remote: tuple[Path, list[str]], daemon: str) -> None:
    path, shas = remote
    url = f"{daemon}/{path.name}"
    result = RemoteFetcher(FetchConfig(timeout_s=30)).fetch(_row(shas[1], [url]))
    assert result.record is not None and result.record.new_contents == NEW
    assert RemoteFetcher().fetch(_row("4" * 40, [url])).reason == "sha_not_found"
    closed = f"git://127.0.0.1:{_free_port()}/{path.name}"
    assert RemoteFetcher(FetchConfig(backoff_s=0.01)).fetch(_row(shas[1], [closed])).reason == (
        "remote_unreachable"
    )
