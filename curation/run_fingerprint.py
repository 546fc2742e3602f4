"""What defines a run's output, recorded in its ``--out``, so a reused folder never returns
another run's results.

datatrove's completion markers resume *the same* run; pointed at a folder that holds a
different run (other languages, another repository), they would report "all tasks already
completed" and hand back the old rows. A :class:`RunFingerprint` names the command, its
inputs (size and modification time of files, the checked-out commit of git repositories)
and every setting that changes rows. :func:`claim_output` writes it into a new ``--out``,
resumes when it matches, and otherwise stops with an error naming each difference; with
``overwrite`` it empties a folder that holds an earlier codepref run and starts fresh.
Every command that writes into a folder claims it this way (``RunFingerprint.of`` from its
options, :meth:`RunFingerprint.of_config` from a config dataclass), and replaces the files
it writes there through :func:`replace_atomically`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FINGERPRINT_FILE = "run_fingerprint.json"


class OutputInUseError(ValueError):
    """``--out`` holds a different run (or files of no codepref run)."""


def describe_input(path: Path) -> str:
    """What identifies an input's content cheaply: the HEAD commit of a git repository,
    size and mtime of a file, and of every file under a plain folder (a repository inside
    it by its HEAD: the files under ``.git`` change when git merely reads them)."""
    path = Path(path)
    if not path.exists():
        return "missing"
    if (path / ".git").exists():
        return _git_head(path)
    if path.is_dir():
        parts = []
        for root, folders, files in os.walk(path):
            folders.sort()
            for name in list(folders):
                if (Path(root) / name / ".git").exists():
                    folders.remove(name)
                    repo = Path(root) / name
                    parts.append(f"{repo.relative_to(path)} {_git_head(repo)}")
            parts += [
                f"{(Path(root) / name).relative_to(path)} {_stamp(Path(root) / name)}"
                for name in sorted(files)
            ]
        return "; ".join(sorted(parts))
    return _stamp(path)


def _git_head(path: Path) -> str:
    head = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    return f"git {head.stdout.strip() or 'no commits'}"


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
        from curation.credentials import redact  # loguru: not for `codepref X --help`

        # A secret given some other way (a key in a URL, a credential-named setting) is ***.
        record = json.dumps(redact(dict(settings)), default=_plain)
        return cls(command, described, json.loads(record))

    @classmethod
    def of_config(
        cls,
        command: str,
        config: Any,
        ignore: Iterable[str] = (),
        inputs: Mapping[str, Path | Iterable[Path] | None] | None = None,
    ) -> RunFingerprint:
        """The fingerprint of a config dataclass: its path fields (nested ones by dotted
        name) are inputs, every other field a setting, except the ``ignore``d dotted names
        (where the output goes, how many workers: what does not change rows) and
        credentials, which are never recorded. ``inputs`` adds inputs the config holds as
        strings."""
        found_inputs: dict[str, Any] = dict(inputs or {})
        settings = _split_config(config, "", frozenset(ignore), found_inputs)
        return cls.of(command, found_inputs, settings)

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


def _plain(value: Any) -> Any:
    """A JSON value for what JSON lacks: sets sorted (their order varies between runs)."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    text = str(value)
    # an object without a repr of its own would differ on every run by its address
    return type(value).__qualname__ if " at 0x" in text else text


def _split_config(
    config: Any, prefix: str, ignore: frozenset[str], inputs: dict[str, Any]
) -> dict[str, Any]:
    from curation.credentials import is_credential_key

    settings: dict[str, Any] = {}
    for item in dataclasses.fields(config):
        name = f"{prefix}{item.name}"
        value = getattr(config, item.name)
        if name in ignore or is_credential_key(item.name):
            continue
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            nested = _split_config(value, f"{name}.", ignore, inputs)
            settings.update(nested)
        elif isinstance(value, Path) or (
            isinstance(value, list | tuple)
            and value
            and all(isinstance(entry, Path) for entry in value)
        ):
            inputs[name] = value
        else:
            settings[name] = value
    return settings


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
                f"{out} holds a different run of codepref {recorded.command} ({shown}), pass "
                "--overwrite to replace it or give a new --out"
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


def replace_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Let ``write`` write a temporary file beside ``path``, then rename it into place: a
    reader (or a crash) never sees half a file, and a failed write leaves the old one."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomically(path: Path, text: str) -> None:
    """:func:`replace_atomically` for a text file (UTF-8)."""
    replace_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
