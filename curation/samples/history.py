"""The embedded commit history: small git repositories, written by us, that the demo mines.

The demo used to mine this project's own history, which is almost all multi-file commits
in Python: no readability or security pair came out of it, and nothing in the other seven
languages. ``repos/`` holds a history that exercises the whole commit pipeline instead:
in each of the 8 languages, single-file commits that make code more readable, more
secure, faster and leaner (their messages use the aspect terms of
``curation/aspects/term_lists``), plus the noise the filters exist for (multi-file
commits, merge and trivial messages, renames, a file too shallow to learn from).

``repos/manifest.toml`` lists the repositories and their commits; every version of every
file is a plain file under ``repos/<repository>/``, so the history is reviewed like code.
:func:`build_history` turns it into real bare git repositories with ``git fast-import``:
fixed author, committer and dates, so the same manifest gives the same commit ids on every
machine. Every repository gets ``repos/LICENSE`` (MIT) in its first commit, which the
licence filter reads as it reads any repository's licence file.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

AUTHOR = "codepref demo <demo@example.invalid>"
BRANCH = "main"
LICENSE_FILE = "LICENSE"


@dataclass(frozen=True)
class HistoryCommit:
    """One commit: files written from the repository's folder (``path -> source``),
    lines appended to files, renames (``old -> new``) and deletions."""

    message: str
    date: datetime
    write: dict[str, str] = field(default_factory=dict)
    append: dict[str, str] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)
    delete: tuple[str, ...] = ()


@dataclass(frozen=True)
class HistoryRepo:
    name: str
    language: str
    commits: tuple[HistoryCommit, ...]


def _root() -> Traversable:
    return resources.files(__package__).joinpath("repos")


def load_manifest() -> list[HistoryRepo]:
    """The repositories of ``repos/manifest.toml``, in file order."""
    spec = tomllib.loads(_root().joinpath("manifest.toml").read_text(encoding="utf-8"))
    repos = []
    for index, repo in enumerate(spec["repo"]):
        commits = []
        for number, commit in enumerate(repo["commit"]):
            where = f"manifest.toml: repo {index} ({repo['name']}), commit {number}"
            date = commit["date"]
            if not isinstance(date, datetime) or date.tzinfo is None:
                raise ValueError(f"{where}: date must be an offset date-time, got {date!r}")
            commits.append(
                HistoryCommit(
                    message=commit["message"].strip() + "\n",
                    date=date,
                    write=dict(commit.get("write", {})),
                    append=dict(commit.get("append", {})),
                    rename=dict(commit.get("rename", {})),
                    delete=tuple(commit.get("delete", ())),
                )
            )
        repos.append(HistoryRepo(repo["name"], repo["language"], tuple(commits)))
    return repos


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def fast_import_stream(repo: HistoryRepo) -> bytes:
    """The ``git fast-import`` input that recreates ``repo``: one commit per manifest entry,
    the licence added by the first."""
    root = _root()
    license_text = root.joinpath(LICENSE_FILE).read_bytes()
    contents: dict[str, bytes] = {}
    stream = bytearray()
    for number, commit in enumerate(repo.commits):
        stamp = f"{int(commit.date.timestamp())} {commit.date.strftime('%z')}"
        stream += f"commit refs/heads/{BRANCH}\nmark :{number + 1}\n".encode()
        stream += f"author {AUTHOR} {stamp}\ncommitter {AUTHOR} {stamp}\n".encode()
        stream += _data(commit.message.encode())
        if number:
            stream += f"from :{number}\n".encode()
        changes: dict[str, bytes | None] = {}
        if number == 0:
            changes[LICENSE_FILE] = license_text
        for path, source in commit.write.items():
            changes[path] = root.joinpath(repo.name, source).read_bytes()
        for path, text in commit.append.items():
            if path not in contents:
                raise ValueError(f"manifest.toml: {repo.name}: append to unknown file {path}")
            changes[path] = contents[path] + text.encode()
        for old, new in commit.rename.items():
            stream += f"R {old} {new}\n".encode()
            contents[new] = contents.pop(old)
        for path in commit.delete:
            stream += f"D {path}\n".encode()
            contents.pop(path, None)
        for path, payload in changes.items():
            stream += f"M 100644 inline {path}\n".encode() + _data(payload)
            contents[path] = payload
        stream += b"\n"
    return bytes(stream)


def build_history(out: Path) -> list[Path]:
    """Create (or recreate) every repository of the manifest as ``out/<name>.git``.

    Bare repositories: the miner reads objects, never a work tree. Existing repositories
    of the same names are replaced, so the result depends on the manifest only.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for repo in load_manifest():
        path = out / f"{repo.name}.git"
        if path.exists():
            shutil.rmtree(path)
        _git(path.parent, "init", "-q", "--bare", f"--initial-branch={BRANCH}", path.name)
        _git(path, "fast-import", "--quiet", "--date-format=raw", stdin=fast_import_stream(repo))
        paths.append(path)
    return paths


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> None:
    result = subprocess.run(
        ["git", "-c", "gc.auto=0", *args], cwd=cwd, input=stdin, capture_output=True
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"git {args[0]} in {cwd}: {message}")
