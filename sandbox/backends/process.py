"""The process backend: supervisors on the host, isolated by namespaces, cgroups and uids.

Used where no Docker engine answers (or when asked for). Each worker is one supervisor
started under ``unshare``: a new network namespace (no interface is up, so nothing —
not even the host's loopback — can be reached), new PID and IPC namespaces (the
supervisor is PID 1 and kills every process left after a job) and a new mount namespace
whose root is a read-only tmpfs holding only the toolchains (``/usr``, ``/etc`` and the
library directories, bind-mounted read-only, as in the offline Docker image), a minimal
``/dev``, and private tmpfs on ``/tmp`` and ``/dev/shm``: nothing on the host is writable
and no user file (a home, a project) is even visible. As root, jobs run under a uid of the
worker's own (see :func:`worker_uid`) and each worker gets its own memory+pids cgroup,
which gives exact peak memory, memory limits and fork-bomb containment.

Without root, ``unshare --user`` gives the same namespaces where the kernel allows it.
Where the kernel refuses namespaces, the sandbox refuses to start unless the caller passes
``allow_unisolated=True`` (``--unsafe-no-isolation`` on the command line): jobs would then
run as this user, able to read its files and reach the network.
"""

from __future__ import annotations

import enum
import itertools
import logging
import os
import shlex
import shutil
import subprocess
import tempfile

from ..api import Limits
from ..cgroups import Cgroup, reap_stale
from ..images import HOST_MOUNTS
from ..pool import WorkerPool
from ..supervisor_binary import supervisor_binary
from ..worker import Channel, Worker

log = logging.getLogger(__name__)

NOBODY = 65534
WORKER_NUMBERS = itertools.count()  # process-wide: cgroup names must not collide
# Jobs run under a uid of their worker's own, never shared with another worker on this
# host: RLIMIT_NPROC counts the tasks of a uid, so only then is it an exact per-worker
# process limit (a fork bomb in one worker cannot starve the jobs of another).
JOB_UIDS = range(1 << 20, 1 << 30)
_WORKERS_PER_PROCESS = 64


def worker_uid(number: int) -> int:
    """The job uid of this process's worker ``number``: unique on the host while both live."""
    return JOB_UIDS.start + os.getpid() * _WORKERS_PER_PROCESS + number % _WORKERS_PER_PROCESS


class UnisolatedError(RuntimeError):
    """The kernel refuses namespaces and the caller did not accept running without them."""


class Isolation(enum.StrEnum):
    """How much the host allows: decided once per sandbox by trying it."""

    ROOT = "root namespaces + cgroups + nobody"
    USER = "user namespaces"
    NONE = "none (rlimits only)"


_NAMESPACES = ["--net", "--ipc", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"]
_DEVICES = ("null", "zero", "full", "random", "urandom")


def minimal_root_script(supervisor: str, tmpfs_mb: int) -> str:
    """The shell run as root of the new namespaces: build the minimal root, pivot into it,
    and exec the supervisor (opened first, as a cache under /tmp would be hidden)."""
    lines = [
        f"exec 3< {shlex.quote(supervisor)}",
        "set -e",
        "R=/tmp",
        'mount -t tmpfs -o size=16m,mode=755 codepref-root "$R"',
        'cd "$R"',
    ]
    for path in HOST_MOUNTS:
        name = path.lstrip("/")
        lines.append(
            f'if [ -L {path} ]; then ln -s "$(readlink {path})" {name}; '
            f"elif [ -d {path} ]; then mkdir {name} && mount --bind {path} {name} && "
            f"mount -o remount,bind,ro {name}; fi"
        )
    lines += [
        "mkdir -p tmp dev/shm proc .old",
        f"mount -t tmpfs -o size={tmpfs_mb}m,mode=1777,nosuid,nodev codepref tmp",
        "mount -t tmpfs -o size=64m,mode=1777,nosuid,nodev codepref dev/shm",
        *(f"touch dev/{d} && mount --bind /dev/{d} dev/{d}" for d in _DEVICES),
        "ln -s /proc/self/fd dev/fd",
        "mount -t proc -o nosuid,nodev,noexec proc proc",
        "pivot_root . .old",
        "umount -l /.old",
        "rmdir /.old",
        "mount -o remount,ro /",
        "cd /tmp",
        "exec /proc/self/fd/3 /tmp",
    ]
    return "\n".join(lines)


def detect_isolation() -> Isolation:
    def works(argv: list[str]) -> bool:
        try:
            done = subprocess.run(argv, capture_output=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return False
        return done.returncode == 0

    if os.geteuid() == 0 and works(["unshare", *_NAMESPACES, "true"]):
        return Isolation.ROOT
    if works(["unshare", "--user", "--map-root-user", *_NAMESPACES, "true"]):
        return Isolation.USER
    return Isolation.NONE


class PipeChannel(Channel):
    """The supervisor's stdin/stdout pipes."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        super().__init__()
        self.process = process

    def fileno(self) -> int:
        assert self.process.stdout is not None
        return self.process.stdout.fileno()

    def write(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def read_chunk(self) -> bytes:
        return os.read(self.fileno(), 1 << 16)

    def diagnostics(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return "(still running)"
        return self.process.stderr.read().decode("utf-8", "replace")[-2000:]

    def close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ProcessSandbox(WorkerPool):
    """Untrusted code run on this machine under namespaces, cgroups and rlimits."""

    name = "process"

    def __init__(
        self,
        *,
        workers: int = 2,
        limits: Limits | None = None,
        count_instructions: bool = False,
        compile_cache: bool = True,
        compile_cache_dir: str | None = None,
        warm_compilers: bool = True,
        tmpfs_mb: int = 1024,
        isolation: Isolation | None = None,
        allow_unisolated: bool = False,
    ) -> None:
        super().__init__(
            workers=workers,
            limits=limits,
            count_instructions=count_instructions,
            compile_cache=compile_cache,
            compile_cache_dir=compile_cache_dir,
            warm_compilers=warm_compilers,
        )
        self.tmpfs_mb = tmpfs_mb
        self.isolation = isolation or detect_isolation()
        self.supervisor = supervisor_binary()
        if self.isolation is Isolation.ROOT:
            reap_stale()
        if self.isolation is Isolation.NONE:
            # A long-lived compiler would run as this user, outside any namespace.
            self.warm_compilers = False
            risk = (
                "process sandbox WITHOUT namespaces: jobs run as this user, can read and "
                "write its files and reach the network; only rlimits apply"
            )
            if not allow_unisolated:
                raise UnisolatedError(
                    f"{risk}. The kernel refuses namespaces here: use the docker backend, "
                    "or accept the risk with --unsafe-no-isolation (allow_unisolated=True)."
                )
            log.warning("%s. Use the docker backend.", risk.upper())

    @property
    def image(self) -> str:
        return f"host ({self.isolation.value})"

    def _start_worker(self, key: str) -> Worker:
        cgroup = None
        number = next(WORKER_NUMBERS)
        if self.isolation is Isolation.ROOT:
            cgroup = Cgroup.create(f"{os.getpid()}-{number}")
            if cgroup is None:
                log.warning("process sandbox: no cgroup for a worker; memory is measured by rusage")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        workroot = None
        if self.isolation is Isolation.NONE:
            # No private /tmp: the supervisor empties its root after every program, so it
            # gets a directory of its own.
            workroot = tempfile.mkdtemp(prefix="codepref-sandbox-")
            argv = [str(self.supervisor), workroot]
        else:
            script = minimal_root_script(str(self.supervisor), self.tmpfs_mb)
            user = ["--user", "--map-root-user"] if self.isolation is Isolation.USER else []
            argv = ["unshare", *user, *_NAMESPACES, "sh", "-c", script]
            if self.isolation is Isolation.ROOT:
                env["CODEPREF_RUN_UID"] = str(worker_uid(number))
        if cgroup is not None:
            # Enter the cgroup before anything forks, so every descendant is inside it.
            enter = " && ".join(f"echo $$ > {shlex.quote(str(p))}" for p in cgroup.procs_files())
            argv = ["sh", "-c", f'{enter} && exec "$@"', "sh", *argv]
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            bufsize=0,
            start_new_session=True,
        )
        channel = PipeChannel(process)

        def release() -> None:
            if cgroup is not None:
                cgroup.remove()
            if workroot is not None:
                shutil.rmtree(workroot, ignore_errors=True)

        try:
            return Worker(
                channel,
                backend=self.name,
                image=self.image,
                cgroup=cgroup,
                count_instructions=self.count_instructions,
                compile_cache=self.compile_cache,
                on_close=release,
            )
        except Exception:
            channel.close()
            release()
            raise
