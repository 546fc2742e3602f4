"""The compile cache: a program's build, made once per sandbox and reused by every worker.

Labelling compiles the same source many times (repeats for timing, the same solution under
several test sets, reruns of a pipeline), and for the compiled languages the compile is
most of a run. A build is keyed by (language, compiler version, compile argv and
environment, every file written beside the program): the same key means the same compiler
reading the same input, so its artefacts and its diagnostics are the ones a fresh compile
would give, and so is the verdict.

Only the trusted side writes entries: after a successful compile the supervisor answers the
seal with the sealed work dir (before any program ran), and the sandbox keeps the files the
compiler made, under the key of the source that made them; one source's compile can
therefore never supply another source's build. A hit writes those files into the next
job's fresh work dir, where they are sealed read-only like a build of its own. Jobs never
see the cache: it lives in this process (and, when asked, in a host directory that no
worker mounts).

Compile errors are cached too, but only those the compiler reported on its own (a
positive exit status): a compile stopped by its deadline, a signal or the memory limit
depends on the machine's load, and is compiled again next time.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

_FORMAT = 1


@dataclass(frozen=True)
class Build:
    """What one compile left: its artefacts (relative path -> (mode, bytes)), its output,
    its wall time, and whether it failed (then there are no artefacts)."""

    files: Mapping[str, tuple[int, bytes]] = field(default_factory=dict)
    output: str = ""
    compile_s: float = 0.0
    failed: bool = False

    def blobs(self) -> dict[str, dict[str, object]]:
        """The artefacts as the supervisor's ``write`` takes them (bytes as base64)."""
        return {
            name: {"mode": mode, "data": base64.b64encode(data).decode()}
            for name, (mode, data) in self.files.items()
        }

    @classmethod
    def from_sealed(
        cls, sealed: Mapping[str, Mapping[str, object]], written: set[str], output: str, s: float
    ) -> Build:
        """The artefacts of a seal's answer (or a held build cache's): every file the
        sandbox did not write."""
        files = {
            name: (int(blob["mode"]), base64.b64decode(str(blob["data"] or "")))
            for name, blob in sealed.items()
            if name not in written
        }
        return cls(files=files, output=output, compile_s=s)


def build_key(
    language: str,
    version: str,
    argv: list[str],
    env: Mapping[str, str],
    files: Mapping[str, str],
) -> str:
    """The cache key: a hash of everything that decides what the compiler produces."""
    material = json.dumps(
        [_FORMAT, language, version, argv, sorted(env.items()), sorted(files.items())]
    )
    return hashlib.sha256(material.encode()).hexdigest()


class CompileCache:
    """Builds by key, shared by the workers of one sandbox; optionally kept in a directory.

    A key being compiled by one worker is waited for by the others, so a source is
    compiled once even when its jobs start together. ``directory`` (opt-in) keeps the
    entries across runs: it is written only here, each entry renamed into place whole.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self._entries: dict[str, Build] = {}
        self._pending: dict[str, threading.Event] = {}
        self._versions: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def version(self, image: str, language: str, probe: Callable[[], str]) -> str:
        """The compiler version of ``language`` in ``image``, probed once per sandbox."""
        with self._lock:
            known = self._versions.get((image, language))
        if known is None:
            known = probe()
            with self._lock:
                self._versions[(image, language)] = known
        return known

    def lookup(self, key: str) -> Build | None:
        """The build for ``key``; None means the caller must compile it and then
        :meth:`store` or :meth:`abandon` the key (others wait for that meanwhile)."""
        while True:
            with self._lock:
                if key in self._entries:
                    self.hits += 1
                    return self._entries[key]
                pending = self._pending.get(key)
                if pending is None:
                    loaded = self._load(key)
                    if loaded is not None:
                        self._entries[key] = loaded
                        self.hits += 1
                        return loaded
                    self._pending[key] = threading.Event()
                    self.misses += 1
                    return None
            pending.wait()

    def lookup_or_make(
        self, key: str, make: Callable[[], tuple[Build, bool]]
    ) -> tuple[Build, bool]:
        """The build for ``key``, or the one ``make`` returns as (build, cacheable), kept
        when cacheable: (build, whether this call made it)."""
        build = self.lookup(key)
        if build is not None:
            return build, False
        try:
            build, cacheable = make()
            if cacheable:
                self.store(key, build)
        finally:
            self.abandon(key)  # a no-op once stored
        return build, True

    def store(self, key: str, build: Build) -> None:
        with self._lock:
            self._entries[key] = build
            self._save(key, build)
            self._release(key)

    def abandon(self, key: str) -> None:
        """The compile gave nothing worth keeping (or broke): a waiting worker compiles."""
        with self._lock:
            self._release(key)

    def _release(self, key: str) -> None:
        pending = self._pending.pop(key, None)
        if pending is not None:
            pending.set()

    # -- the opt-in directory --------------------------------------------------------------
    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / key

    def _save(self, key: str, build: Build) -> None:
        if self.directory is None:
            return
        final = self._path(key)
        if final.exists():
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=final.parent))
        try:
            manifest = {
                "output": build.output,
                "compile_s": build.compile_s,
                "failed": build.failed,
                "files": {name: mode for name, (mode, _) in build.files.items()},
            }
            for index, (_, data) in enumerate(build.files.values()):
                (staging / f"{index}.bin").write_bytes(data)
            (staging / "manifest.json").write_text(json.dumps(manifest))
            os.rename(staging, final)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)

    def _load(self, key: str) -> Build | None:
        if self.directory is None:
            return None
        path = self._path(key)
        try:
            manifest = json.loads((path / "manifest.json").read_text())
            files = {}
            for index, (name, mode) in enumerate(manifest["files"].items()):
                if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
                    return None
                files[name] = (int(mode), (path / f"{index}.bin").read_bytes())
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return Build(
            files=files,
            output=str(manifest["output"]),
            compile_s=float(manifest["compile_s"]),
            failed=bool(manifest["failed"]),
        )
