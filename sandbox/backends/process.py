"""The process backend: supervisors on the host, isolated by namespaces, cgroups and uids.

Used where no Docker engine answers (or when asked for). Each worker is one supervisor
started under ``unshare``: a new network namespace (no interface is up, so nothing —
not even the host's loopback — can be reached), a new PID namespace (the supervisor is
PID 1 and kills every process left after a job), and a new mount namespace with private
tmpfs on ``/tmp`` and ``/dev/shm`` (the work dirs; gone with the worker). Jobs run as
``nobody`` when we are root, so the rest of the file system is read-only to them and
root-only files are unreadable. As root each worker also gets its own memory+pids cgroup,
which gives exact peak memory, memory limits and fork-bomb containment.

Without root, ``unshare --user`` gives the same namespaces where the kernel allows it;
with no namespaces at all the supervisor runs bare under rlimits, and the sandbox says so
loudly.
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
from ..pool import WorkerPool
from ..supervisor_binary import supervisor_binary
from ..worker import Channel, Worker

log = logging.getLogger(__name__)

NOBODY = 65534
_WORKER_NUMBERS = itertools.count()  # process-wide: cgroup names must not collide


class Isolation(enum.StrEnum):
    """How much the host allows: decided once per sandbox by trying it."""

    ROOT = "root namespaces + cgroups + nobody"
    USER = "user namespaces"
    NONE = "none (rlimits only)"


_NAMESPACES = ["--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc"]


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
        tmpfs_mb: int = 1024,
        isolation: Isolation | None = None,
    ) -> None:
        super().__init__(workers=workers, limits=limits, count_instructions=count_instructions)
        self.tmpfs_mb = tmpfs_mb
        self.isolation = isolation or detect_isolation()
        self.supervisor = supervisor_binary()
        if self.isolation is Isolation.ROOT:
            reap_stale()
        if self.isolation is Isolation.NONE:
            log.warning(
                "process sandbox WITHOUT namespaces: jobs can reach the network and the "
                "file system of this user; only rlimits apply. Use the docker backend."
            )

    @property
    def image(self) -> str:
        return f"host ({self.isolation.value})"

    def _start_worker(self, key: str) -> Worker:
        cgroup = None
        if self.isolation is Isolation.ROOT:
            cgroup = Cgroup.create(f"{os.getpid()}-{next(_WORKER_NUMBERS)}")
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
            # The binary is opened before the private tmpfs hides /tmp (a cache may live
            # there) and executed through that descriptor.
            mounts = (
                f"exec 3< {shlex.quote(str(self.supervisor))} && "
                f"mount -t tmpfs -o size={self.tmpfs_mb}m,mode=1777 codepref /tmp && "
                "{ mount -t tmpfs -o size=64m,mode=1777 codepref /dev/shm || true; } && "
                "exec /proc/self/fd/3 /tmp"
            )
            user = ["--user", "--map-root-user"] if self.isolation is Isolation.USER else []
            argv = ["unshare", *user, *_NAMESPACES, "sh", "-c", mounts]
            if self.isolation is Isolation.ROOT:
                env["CODEPREF_RUN_UID"] = str(NOBODY)
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
                on_close=release,
            )
        except Exception:
            channel.close()
            release()
            raise
