"""Real git repositories built from a description, through ``git fast-import``.

Tests need histories with exactly known commits (renames, merges, binary files, licences)
and the benchmark needs tens of thousands of commits; committing through the porcelain
costs a process per commit, while ``git fast-import`` writes any history from one stream
in a fraction of a second. The result is an ordinary repository: nothing here is a mock.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

AUTHOR = "codepref <codepref@example.invalid>"


@dataclass
class SyntheticCommit:
    """One commit: ``files`` maps a path to its new bytes (``None`` deletes it);
    ``renames`` maps old to new paths. A commit on a new ``branch`` starts from
    ``start_from``; ``merge`` names a branch whose head becomes the second parent."""

    message: str
    files: dict[str, bytes | str | None] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    branch: str = "main"
    start_from: str = "main"
    merge: str | None = None


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


def fast_import_stream(
    commits: Iterable[SyntheticCommit], start_time: int = 1_700_000_000
) -> Iterable[bytes]:
    """The ``git fast-import`` commands for ``commits``; commit ``i`` gets mark ``i + 1``."""
    heads: dict[str, int] = {}
    for index, commit in enumerate(commits):
        mark = index + 1
        when = start_time + 60 * index
        parts = [
            b"commit refs/heads/%s\n" % commit.branch.encode(),
            b"mark :%d\n" % mark,
            b"author %s %d +0000\n" % (AUTHOR.encode(), when),
            b"committer %s %d +0000\n" % (AUTHOR.encode(), when),
            _data(commit.message.encode()),
        ]
        parent = heads.get(commit.branch, heads.get(commit.start_from))
        if parent is not None:
            parts.append(b"from :%d\n" % parent)
        if commit.merge is not None:
            parts.append(b"merge :%d\n" % heads[commit.merge])
        for old, new in commit.renames.items():
            parts.append(b'R "%s" "%s"\n' % (old.encode(), new.encode()))
        for path, contents in commit.files.items():
            if contents is None:
                parts.append(b'D "%s"\n' % path.encode())
            else:
                parts.append(b'M 100644 inline "%s"\n' % path.encode() + _data(_as_bytes(contents)))
        heads[commit.branch] = mark
        yield b"".join(parts) + b"\n"


def build_repository(
    path: Path | str,
    commits: Iterable[SyntheticCommit],
    *,
    bare: bool = False,
    start_time: int = 1_700_000_000,
) -> list[str]:
    """Create a repository at ``path`` holding ``commits``; returns their shas in order.

    ``HEAD`` points at ``main``; a non-bare repository also gets its work tree checked out.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "init", "-q", *(["--bare"] if bare else []), "-b", "main", str(path)], check=True
    )
    with tempfile.NamedTemporaryFile(suffix=".marks") as marks:
        process = subprocess.Popen(
            ["git", "-C", str(path), "fast-import", "--quiet", f"--export-marks={marks.name}"],
            stdin=subprocess.PIPE,
        )
        assert process.stdin is not None
        for chunk in fast_import_stream(commits, start_time):
            process.stdin.write(chunk)
        process.stdin.close()
        if process.wait() != 0:
            raise RuntimeError(f"{path}: git fast-import failed ({process.returncode})")
        lines = Path(marks.name).read_text().split()
    by_mark = {int(lines[i].lstrip(":")): lines[i + 1] for i in range(0, len(lines), 2)}
    if not bare:
        subprocess.run(["git", "-C", str(path), "checkout", "-q", "-f", "main"], check=True)
    return [by_mark[mark] for mark in sorted(by_mark)]


def single_file_history(count: int, files: int = 50) -> Iterable[SyntheticCommit]:
    """``count`` commits after a root commit, each modifying one of ``files`` Python files
    with a real function edit; the benchmark's input."""
    versions = [0] * files

    def source(index: int, version: int) -> str:
        return (
            f"def compute_{index}(values):\n"
            f'    """Sum of scaled values, revision {version}."""\n'
            f"    total = 0\n"
            f"    for value in values:\n"
            f"        total += value * {version + 1}\n"
            f"    return total\n"
        )

    yield SyntheticCommit(
        "Add the compute modules", {f"pkg/mod_{i}.py": source(i, 0) for i in range(files)}
    )
    for number in range(count):
        index = number % files
        versions[index] += 1
        yield SyntheticCommit(
            f"Fix incorrect scaling in compute_{index} (revision {versions[index]})",
            {f"pkg/mod_{index}.py": source(index, versions[index])},
        )
