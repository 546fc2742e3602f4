"""Bulk reading of a git history: one ``git log --raw`` stream and one ``git cat-file``.

The Themis approach fetches every commit separately (``git fetch --depth 2`` per sha, then
a checkout of both file versions), which costs a process start and a pack negotiation per
commit. A local clone already holds every object, so two long-lived git processes suffice:
``git log --raw -z`` lists each commit with its changed paths and blob ids, and
``git cat-file --batch`` streams exactly the blobs of the commits that survive the
candidate rule (``benchmarks/mining.py`` measures the difference).
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from curation.mining.changes import RawChange, parse_raw_status

# Record and field separators for the log header; a NUL ends the header under -z.
_RS = "\x1e"
_US = "\x1f"
_LOG_FORMAT = f"{_RS}%H{_US}%P{_US}%at{_US}%B"
_READ_SIZE = 1 << 16
# git's words for an object it cannot read (missing, corrupt, or not fetched in a partial
# clone); a git log that dies with one of them skips a commit instead of the repository.
_UNREADABLE = re.compile(
    rb"unable to read|could not fetch|bad object|missing (?:blob|tree)|corrupt|inflate"
)


class GitError(RuntimeError):
    """A git command failed; the message has the repository, command and git's stderr."""


@dataclass
class LogCommit:
    """A commit as ``git log`` lists it: ids, author time, message and raw changes.

    ``unreadable`` marks a commit that git could not show because an object it needs is
    missing (a partial clone, a damaged pack): only its sha is known.
    """

    sha: str
    parents: list[str]
    author_time: int
    message: str
    changes: list[RawChange] = field(default_factory=list)
    unreadable: bool = False


def git(repo: Path | str, *args: str, timeout: float | None = None) -> bytes:
    """Run one git command in ``repo`` and return stdout, or raise :class:`GitError`."""
    try:
        result = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise GitError(f"{repo}: git {' '.join(args)} timed out after {timeout}s") from error
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"{repo}: git {' '.join(args)} failed ({result.returncode}): {stderr}")
    return result.stdout


def is_repository(path: Path) -> bool:
    """True for a checkout (has ``.git``) or a bare repository (``HEAD`` + ``objects``)."""
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


def find_repositories(paths: Sequence[Path | str]) -> list[Path]:
    """Each path that is a repository, or the repositories directly inside a directory.

    Raises ``FileNotFoundError`` naming a path that is neither, so a typo in ``--repos``
    fails before any work starts.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if is_repository(path):
            found.append(path)
            continue
        children = sorted(c for c in path.iterdir() if c.is_dir()) if path.is_dir() else []
        repos = [c for c in children if is_repository(c)]
        if not repos:
            raise FileNotFoundError(f"{path}: not a git repository, nor a directory of them")
        found.extend(repos)
    return found


def _tokens(stream: IO[bytes]) -> Iterator[bytes]:
    """NUL-separated tokens of a byte stream, read in large chunks."""
    pending = b""
    while chunk := stream.read(_READ_SIZE):
        parts = (pending + chunk).split(b"\0")
        pending = parts.pop()
        yield from parts
    if pending:
        yield pending


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def parse_log(tokens: Iterator[bytes]) -> Iterator[LogCommit]:
    """Commits from the tokens of ``git log -z --raw --format=<_LOG_FORMAT>``.

    A header token starts with the record separator; a raw entry token starts with ``:``
    and is followed by one path, or two for renames and copies.
    """
    current: LogCommit | None = None
    for token in tokens:
        if token.startswith(_RS.encode()):
            if current is not None:
                yield current
            sha, parents, when, message = _decode(token[1:]).split(_US, 3)
            current = LogCommit(sha, parents.split(), int(when or 0), message)
        elif token.lstrip(b"\n").startswith(b":"):
            if current is None:
                raise GitError(f"raw diff entry before any commit header: {token!r}")
            old_mode, new_mode, old_blob, new_blob, status = parse_raw_status(_decode(token))
            path = _decode(next(tokens))
            new_path = _decode(next(tokens)) if status[:1] in ("R", "C") else None
            current.changes.append(
                RawChange(old_mode, new_mode, old_blob, new_blob, status, path, new_path)
            )
        elif token.strip():
            raise GitError(f"unexpected token in git log output: {token[:80]!r}")
    if current is not None:
        yield current


def iter_log(
    repo: Path | str,
    revisions: Sequence[str] = ("--all",),
    commits: Sequence[str] | None = None,
) -> Iterator[LogCommit]:
    """Every commit reachable from ``revisions``, newest first, with its raw changes; or,
    with ``commits``, exactly those commits in that order (``git log --no-walk --stdin``:
    git computes the changes of the listed commits only).

    Rename detection is on (``-M``) so that a rename counts as one, not as a delete plus an
    add; merges list no changes (git's default), which the candidate rule rejects anyway.

    Rename detection reads blobs, so a repository that lacks one (a partial clone, a lost
    pack) makes ``git log`` die at the commit that needs it, before printing it. That
    commit is then the next one of the walk: it is yielded as ``unreadable`` and the log
    resumes after it, so one missing object costs one commit, not the repository.
    """
    listed = 0
    while commits is None or listed < len(commits):
        if commits is None:
            selection = [*revisions, f"--skip={listed}"] if listed else [*revisions]
            request = None
        else:
            selection = ["--no-walk=unsorted", "--stdin"]
            request = "".join(f"{sha}\n" for sha in commits[listed:]).encode()
        command = [
            "git", "-C", str(repo), "log", *selection, "--raw", "-M", "--no-abbrev",
            "-z", "--no-color", "--no-ext-diff", f"--format={_LOG_FORMAT}",
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL if request is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None and process.stderr is not None
        if request is not None:
            _send(process, request)
        try:
            for commit in parse_log(_tokens(process.stdout)):
                listed += 1
                yield commit
        finally:
            process.stdout.close()
            stderr = process.stderr.read()
            process.stderr.close()
            code = process.wait()
        if code == 0 or b"does not have any commits" in stderr:
            return
        message = f"{repo}: git log failed ({code}): {_decode(stderr).strip()}"
        if not _UNREADABLE.search(stderr):
            raise GitError(message)
        if commits is None:
            sha = _decode(git(repo, "rev-list", *revisions, f"--skip={listed}", "--max-count=1"))
        else:
            sha = commits[listed] if listed < len(commits) else ""
        if not sha.strip():
            raise GitError(message)
        listed += 1
        yield LogCommit(sha.strip(), [], 0, "", unreadable=True)


def _send(process: subprocess.Popen[bytes], request: bytes) -> None:
    """Write ``request`` to the process's stdin and close it, from a thread, so that a
    process that answers before it has read everything cannot block on a full pipe."""
    stdin = process.stdin
    assert stdin is not None

    def send() -> None:
        # git that died early has closed the pipe; its exit status says why
        with contextlib.suppress(BrokenPipeError):
            stdin.write(request)
        with contextlib.suppress(BrokenPipeError):
            stdin.close()

    threading.Thread(target=send, daemon=True).start()


class BlobReader:
    """Blob contents by id through one ``git cat-file --batch`` process.

    Requests are answered in order over a pipe, so reading a blob costs a write and two
    reads instead of a process start. Use as a context manager to close git cleanly.
    """

    def __init__(self, repo: Path | str) -> None:
        self.repo = str(repo)
        self._process = subprocess.Popen(
            ["git", "-C", self.repo, "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def read(self, object_id: str) -> bytes | None:
        """The object's bytes, or ``None`` when the repository does not have it."""
        return self.read_many([object_id])[0]

    def read_many(self, object_ids: Sequence[str]) -> list[bytes | None]:
        """Several objects in one round trip, in order.

        A request per object costs a pipe round trip and two context switches (half the
        reader's time on a busy machine); here a thread writes all requests while this one
        reads the answers, so neither side can block the other on a full pipe.
        """
        stdin = self._process.stdin
        assert stdin is not None
        request = "".join(f"{object_id}\n" for object_id in object_ids).encode()

        def send() -> None:
            stdin.write(request)
            stdin.flush()

        writer = threading.Thread(target=send, daemon=True)
        writer.start()
        try:
            return [self._read_one(object_id) for object_id in object_ids]
        finally:
            writer.join()

    def _read_one(self, object_id: str) -> bytes | None:
        stdout = self._process.stdout
        assert stdout is not None
        header = stdout.readline()
        if not header:
            raise GitError(f"{self.repo}: git cat-file exited while reading {object_id}")
        parts = header.split()
        if len(parts) < 3 or parts[1] == b"missing":
            return None
        data = stdout.read(int(parts[2]))
        stdout.read(1)  # the newline after the contents
        return data

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
