"""What defines a run's output, recorded in its ``--out``, so a reused folder never returns
another run's results.

datatrove's completion markers resume *the same* run; pointed at a folder that holds a
different run (other languages, another repository), they would report "all tasks already
completed" and hand back the old rows. A :class:`RunFingerprint` names the command, its
inputs (size and modification time of files, the checked-out commit of git repositories)
and every setting that changes rows. :func:`claim_output` writes it into a new ``--out``,
resumes when it matches, and otherwise stops with an error naming each difference; with
``overwrite`` it empties a folder that holds an earlier codepref run and starts fresh.
Summaries written into such a folder go through :func:`write_text_atomically`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FINGERPRINT_FILE = "run_fingerprint.json"


class OutputInUseError(ValueError):
    """``--out`` holds a different run (or files of no codepref run)."""


def describe_input(path: Path) -> str:
    """What identifies an input's content cheaply: the HEAD commit of a git repository,
    size and mtime of a file, and of every file under a plain folder."""
    path = Path(path)
    if not path.exists():
        return "missing"
    if (path / ".git").exists():
        head = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True
        )
        return f"git {head.stdout.strip() or 'no commits'}"
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        return "; ".join(f"{p.relative_to(path)} {_stamp(p)}" for p in files)
    return _stamp(path)


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size} bytes, mtime {stat.st_mtime_ns}"


@dataclass(frozen=True)
class RunFingerprint:
    """A command, its inputs (name -> description) and its row-changing settings."""

    command: str
    inputs: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        command: str,
        inputs: Mapping[str, Path | Iterable[Path] | None],
        settings: Mapping[str, Any],
    ) -> RunFingerprint:
        described: dict[str, str] = {}
        for name, value in inputs.items():
            if value is None:
                continue
            paths = [value] if isinstance(value, str | os.PathLike) else list(value)
            for path in paths:
                described[f"{name} {Path(path).resolve()}"] = describe_input(Path(path))
        # Through JSON once: tuples become lists, so a read-back fingerprint compares equal.
        return cls(command, described, json.loads(json.dumps(dict(settings), default=str)))

    def to_json(self) -> str:
        record = {"command": self.command, "inputs": self.inputs, "settings": self.settings}
        return json.dumps(record, indent=2, sort_keys=True) + "\n"

    @classmethod
    def read(cls, path: Path) -> RunFingerprint:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["command"], data.get("inputs", {}), data.get("settings", {}))

    def differences(self, other: RunFingerprint) -> list[str]:
        """What changed from ``other`` (the recorded run) to this one, one phrase each."""
        found = []
        if self.command != other.command:
            found.append(f"command {other.command} -> {self.command}")
        for kind, mine, theirs in (
            ("input", self.inputs, other.inputs),
            ("setting", self.settings, other.settings),
        ):
            for key in sorted(set(mine) | set(theirs)):
                if mine.get(key) != theirs.get(key):
                    was, now = theirs.get(key, "absent"), mine.get(key, "absent")
                    found.append(f"{kind} {key}: {_short(was)} -> {_short(now)}")
        return found


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."


def claim_output(out: Path, fingerprint: RunFingerprint, overwrite: bool = False) -> bool:
    """Make ``out`` this run's folder; True when it resumes an identical earlier run.

    A missing or empty folder gets the fingerprint. The same fingerprint resumes. A
    different one is an :class:`OutputInUseError` naming what differs, unless
    ``overwrite``: then the earlier run's folder is emptied first. A non-empty folder with
    no fingerprint is never emptied: it may hold someone's files.
    """
    out = Path(out)
    record = out / FINGERPRINT_FILE
    if record.is_file():
        recorded = RunFingerprint.read(record)
        changes = fingerprint.differences(recorded)
        if not changes:
            return True
        if not overwrite:
            more = f"; and {len(changes) - 5} more" if len(changes) > 5 else ""
            shown = "; ".join(changes[:5]) + more
            raise OutputInUseError(
                f"{out} holds a different {recorded.command} run ({shown}), pass --overwrite "
                "to replace it or give a new --out"
            )
        shutil.rmtree(out)
    elif out.is_dir() and any(out.iterdir()):
        raise OutputInUseError(
            f"{out} is not empty and holds no codepref run ({FINGERPRINT_FILE} is missing), "
            "give an empty or new --out"
        )
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomically(record, fingerprint.to_json())
    return False


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``path`` through a temporary file beside it, renamed into place: a reader
    (or a crash) never sees half a file, and a failed write leaves the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
