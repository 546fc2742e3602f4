"""Host-side access to the control group a sandbox worker lives in (cgroup v1 and v2).

Peak memory is read from the worker's cgroup rather than from ``ru_maxrss``: the kernel's
``maxrss`` of an exec'd child starts from the RSS it inherited at ``fork`` (the
supervisor's), and it misses memory a program keeps in tmpfs or in children it did not
wait for. A worker runs one job at a time, so its cgroup is the job's cgroup. Before each
job the host resets the peak counter, records the resting usage (supervisor, files in the
tmpfs) and sets the memory limit to ``resting + limit``; after it, ``peak - resting`` is the
job's peak and the OOM-kill counter says whether the limit killed it.

- v1: ``memory.max_usage_in_bytes`` (reset by writing 0), ``memory.limit_in_bytes`` and
  ``memory.memsw.limit_in_bytes`` (kept equal: no swap), ``memory.oom_control``.
- v2: ``memory.peak`` (reset by writing to it, Linux >= 6.12), ``memory.max``,
  ``memory.swap.max = 0``, ``memory.events``.

Where the files are not writable (rootless engine, older v2 kernel) :meth:`Cgroup.arm`
returns False and the caller falls back to the supervisor's ``ru_maxrss``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def cgroup_version(root: Path = ROOT) -> int:
    return 2 if (root / "cgroup.controllers").exists() else 1


def _read_int(path: Path) -> int:
    text = path.read_text().strip()
    return -1 if text == "max" else int(text)


def _counter(path: Path, key: str) -> int:
    for line in path.read_text().splitlines():
        name, _, value = line.partition(" ")
        if name == key:
            return int(value)
    return 0


@dataclass
class Cgroup:
    """The memory (and pids) control of one worker: a container's cgroup or our own."""

    version: int
    memory: Path
    pids: Path | None = None
    owned: bool = False  # created by us, removed by :meth:`remove`

    # -- finding and creating ---------------------------------------------------------------
    @classmethod
    def of_pid(cls, pid: int, root: Path = ROOT) -> Cgroup | None:
        """The cgroup holding ``pid`` as seen from the host, or None when unreadable."""
        try:
            lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
        except OSError:
            return None
        version = cgroup_version(root)
        paths: dict[str, str] = {}
        for line in lines:
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                paths[controller] = path.lstrip("/")
        if version == 2:
            unified = root / paths.get("", "")
            return cls(2, unified, unified) if unified.is_dir() else None
        memory = root / "memory" / paths.get("memory", "")
        pids = root / "pids" / paths.get("pids", "") if "pids" in paths else None
        return cls(1, memory, pids) if memory.is_dir() else None

    @classmethod
    def create(cls, name: str, root: Path = ROOT) -> Cgroup | None:
        """A fresh cgroup ``codepref/<name>`` for a process-backend worker, or None when the
        hierarchy is not writable (not root, read-only cgroupfs)."""
        try:
            if cgroup_version(root) == 2:
                parent = root / "codepref"
                parent.mkdir(exist_ok=True)
                with contextlib.suppress(OSError):
                    (root / "cgroup.subtree_control").write_text("+memory +pids")
                (parent / "cgroup.subtree_control").write_text("+memory +pids")
                path = parent / name
                path.mkdir()
                return cls(2, path, path, owned=True)
            memory = root / "memory" / "codepref" / name
            pids = root / "pids" / "codepref" / name
            memory.mkdir(parents=True)
            pids.mkdir(parents=True)
            return cls(1, memory, pids, owned=True)
        except OSError:
            return None

    def procs_files(self) -> list[Path]:
        dirs = [self.memory] if self.pids in (None, self.memory) else [self.memory, self.pids]
        return [d / "cgroup.procs" for d in dirs]

    # -- measuring ----------------------------------------------------------------------------
    def usage_bytes(self) -> int:
        name = "memory.usage_in_bytes" if self.version == 1 else "memory.current"
        return _read_int(self.memory / name)

    def peak_bytes(self) -> int:
        name = "memory.max_usage_in_bytes" if self.version == 1 else "memory.peak"
        return _read_int(self.memory / name)

    def file_cache_bytes(self) -> int:
        """Page cache of files (not tmpfs) charged to this cgroup. A job that is the first to
        read a toolchain file from disk is charged for its cache (node's binary is ~100 MB),
        which is not the program's memory; the caller subtracts its growth from the peak."""
        stat = self.memory / "memory.stat"
        if self.version == 1:
            return _counter(stat, "cache") - _counter(stat, "shmem")
        return _counter(stat, "file") - _counter(stat, "shmem")

    def oom_kills(self) -> int:
        if self.version == 1:
            return _counter(self.memory / "memory.oom_control", "oom_kill")
        return _counter(self.memory / "memory.events", "oom_kill")

    def arm(self, limit_bytes: int, pids: int | None = None) -> int | None:
        """Reset the peak, set ``limit = resting usage + limit_bytes`` and the pids limit;
        return the resting usage, or None when this cgroup cannot be armed."""
        try:
            if self.version == 1:
                (self.memory / "memory.max_usage_in_bytes").write_text("0")
            else:
                (self.memory / "memory.peak").write_text("reset\n")
            resting = self.usage_bytes()
            self.set_memory_limit(resting + limit_bytes)
            if pids is not None and self.pids is not None:
                # Tasks, not processes: the supervisor's threads count against pids.max.
                current = self.pids / "pids.current"
                running = (
                    _read_int(current)
                    if current.exists()
                    else len((self.pids / "cgroup.procs").read_text().split())
                )
                (self.pids / "pids.max").write_text(str(running + pids))
        except OSError:
            return None
        return resting

    def set_memory_limit(self, limit_bytes: int) -> None:
        """Set the memory limit with swap equal to it (v1 needs memsw >= limit at every step,
        so the order of the two writes depends on the direction)."""
        if self.version == 2:
            (self.memory / "memory.max").write_text(str(limit_bytes))
            with contextlib.suppress(OSError):
                (self.memory / "memory.swap.max").write_text("0")
            return
        limit = self.memory / "memory.limit_in_bytes"
        memsw = self.memory / "memory.memsw.limit_in_bytes"
        order = [limit, memsw]
        if memsw.exists() and _read_int(memsw) != -1 and limit_bytes > _read_int(memsw):
            order.reverse()
        for path in order:
            if path.exists():
                path.write_text(str(limit_bytes))

    # -- cleaning up ---------------------------------------------------------------------------
    def kill_all(self) -> None:
        for procs in self.procs_files():
            with contextlib.suppress(OSError):
                for pid in procs.read_text().split():
                    with contextlib.suppress(OSError):
                        os.kill(int(pid), signal.SIGKILL)

    def remove(self) -> None:
        """Kill what is left inside and remove the directories we created."""
        if not self.owned:
            return
        self.kill_all()
        for directory in {self.memory, self.pids} - {None}:
            for _ in range(100):
                try:
                    directory.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    self.kill_all()
                    time.sleep(0.01)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_stale(root: Path = ROOT) -> int:
    """Remove the worker cgroups (``codepref/<pid>-<n>``) of sandboxes whose process died,
    killing whatever still runs in them; returns how many were removed."""
    if cgroup_version(root) == 2:
        parents = [root / "codepref"]
    else:
        parents = [root / "memory" / "codepref", root / "pids" / "codepref"]
    removed = 0
    for parent in parents:
        if not parent.is_dir():
            continue
        for directory in parent.iterdir():
            owner = directory.name.split("-", 1)[0]
            if not directory.is_dir() or not owner.isdigit() or _alive(int(owner)):
                continue
            Cgroup(cgroup_version(root), directory, directory, owned=True).remove()
            removed += 1
    return removed


def weigh_parent_by_children(pid: int, root: Path = ROOT) -> int | None:
    """Give the parent cgroup of ``pid``'s cgroup the CPU weight of as many processes as it
    has child cgroups; returns the weight written, or None when not possible.

    The CPU scheduler weighs a cgroup like one process, so a pool of N containers under
    one parent gets the share of a single process when the host is busy, while N plain
    processes would get N shares. Re-weighing the parent after each container start and
    stop gives the pool the share its parallelism asks for, no more.
    """
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        names = controllers.split(",")
        if cgroup_version(root) == 2 and controllers == "":
            parent, file, unit, top = root / path.lstrip("/"), "cpu.weight", 100, 10000
        elif "cpu" in names:
            directory = root / controllers if (root / controllers).is_dir() else root / "cpu"
            parent, file, unit, top = directory / path.lstrip("/"), "cpu.shares", 1024, 262144
        else:
            continue
        parent = parent.parent
        children = sum(1 for entry in parent.iterdir() if entry.is_dir())
        weight = min(top, unit * max(1, children))
        try:
            (parent / file).write_text(str(weight))
        except OSError:
            return None
        return weight
    return None
