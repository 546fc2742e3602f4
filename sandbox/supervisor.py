"""The supervisor that runs inside every sandbox: one long-lived process per worker.

Starting a container (or a namespace) per job costs far more than running a typical test
program, so each worker keeps one supervisor alive and sends it jobs as JSON lines on its
stdin; it answers one JSON line per request on stdout. A job is a fork + exec in its own
session under rlimits and a wall-clock deadline, with stdout/stderr captured up to a byte
cap. After every job the supervisor kills the job's process group and then every other
process in its PID namespace (it is PID 1 there), so a child that ignores SIGTERM, calls
``setsid`` or outlives its parent never survives into the next job.

This file is executed by whichever ``python3`` the sandbox image has (3.8 or newer), so it
uses the standard library only and imports nothing from codepref.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import resource
import select
import shutil
import signal
import sys
import time

TAIL_BYTES = 1 << 16
KEEP = {".gocache"}  # entries of the work root that survive between programs
_CALLGRIND_TOTAL = re.compile(rb"Collected\s*:\s*(\d+)")


def _make_undumpable() -> None:
    """Make /proc/<supervisor>/fd and /mem unreachable for jobs running as our own uid, so
    a job cannot write forged answers into the supervisor's stdout."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0


class Supervisor:
    def __init__(self, root: str, run_uid: int) -> None:
        self.root = root
        self.run_uid = run_uid
        self.own_namespace = os.getpid() == 1
        self._wake_r, wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)

    # -- requests -------------------------------------------------------------------------
    def handle(self, request: dict) -> dict:
        op = request.get("op")
        if op == "ping":
            return {"pid": os.getpid(), "namespace": self.own_namespace}
        if op == "write":
            return self.write(request["dir"], request["files"])
        if op == "exec":
            return self.execute(request)
        if op == "remove":
            self._dir(request["dir"])
            self.clean()
            return {}
        raise ValueError(f"unknown op {op!r}")

    def clean(self) -> None:
        """Empty the work root after a program, so nothing a job planted there (a file,
        a fifo, a copy of itself) is seen by the next one. Only the Go build cache stays:
        it is what makes the second Go build in a worker fast."""
        for entry in os.listdir(self.root):
            if entry in KEEP:
                continue
            path = os.path.join(self.root, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(path)

    def _dir(self, name: str) -> str:
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"bad work dir name {name!r}")
        return os.path.join(self.root, name)

    def write(self, name: str, files: dict) -> dict:
        workdir = self._dir(name)
        shutil.rmtree(workdir, ignore_errors=True)
        os.mkdir(workdir, 0o700)
        for relative, content in files.items():
            path = os.path.normpath(os.path.join(workdir, relative))
            if not path.startswith(workdir + os.sep):
                raise ValueError(f"file {relative!r} escapes the work dir")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(content.encode("utf-8", "surrogatepass"))
        if self.run_uid >= 0:
            for base, dirs, names in os.walk(workdir):
                for entry in (base, *(os.path.join(base, n) for n in dirs + names)):
                    os.chown(entry, self.run_uid, self.run_uid)
        return {"dir": workdir}

    # -- one job --------------------------------------------------------------------------
    def execute(self, request: dict) -> dict:
        workdir = self._dir(request["dir"])
        argv = list(request["argv"])
        log = None
        if request.get("count_instructions"):
            log = os.path.join(workdir, ".callgrind.log")
            argv = [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                f"--log-file={log}",
                *argv,
            ]
        # Resolve the program before forking: the child may lose read access to this
        # interpreter's own modules once it changes uid.
        if os.sep in argv[0]:
            found = os.path.join(workdir, argv[0])
        else:
            found = shutil.which(argv[0], path=request["env"].get("PATH", os.defpath))
        if found is None:
            return {
                "exit_code": 127,
                "timed_out": False,
                "output_limited": False,
                "wall_s": 0.0,
                "cpu_s": 0.0,
                "maxrss_kb": 0,
                "stdout": "",
                "stderr": f"sandbox: {argv[0]}: command not found",
            }
        argv[0] = found
        stdin = (
            os.memfd_create("stdin")
            if hasattr(os, "memfd_create")
            else os.open(
                os.path.join(self.root, ".stdin"), os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600
            )
        )
        data = request.get("stdin", "").encode("utf-8", "surrogatepass")
        view = memoryview(data)
        while view:
            view = view[os.write(stdin, view) :]
        os.lseek(stdin, 0, os.SEEK_SET)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child execs or exits
            self._child(argv, request, workdir, stdin, out_w, err_w)
        for fd in (stdin, out_w, err_w):
            os.close(fd)
        result = self._watch(pid, started, out_r, err_r, request)
        self._sweep(pid)
        if log is not None:
            try:
                with open(log, "rb") as handle:
                    found = _CALLGRIND_TOTAL.search(handle.read())
                result["instructions"] = int(found.group(1)) if found else None
            except OSError:
                result["instructions"] = None
        return result

    def _child(
        self, argv: list, request: dict, workdir: str, stdin: int, out_w: int, err_w: int
    ) -> None:
        """In the forked child: own session, pipes, rlimits, uid; then exec (never returns)."""
        try:
            os.setsid()
            os.dup2(stdin, 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            os.closerange(3, 65536)
            signal.set_wakeup_fd(-1)
            for sig in (signal.SIGCHLD, signal.SIGPIPE, signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_DFL)
            os.chdir(workdir)
            cpu = int(request["time_s"]) + 1
            limits = [
                (resource.RLIMIT_CPU, (cpu, cpu + 1)),
                (resource.RLIMIT_CORE, (0, 0)),
                (resource.RLIMIT_FSIZE, (request.get("file_bytes", 1 << 28),) * 2),
            ]
            if request.get("address_space_bytes"):
                limits.append((resource.RLIMIT_AS, (request["address_space_bytes"],) * 2))
            if request.get("nproc"):
                limits.append((resource.RLIMIT_NPROC, (request["nproc"],) * 2))
            for kind, value in limits:
                resource.setrlimit(kind, value)
            if self.run_uid >= 0:
                os.setgroups([])
                os.setgid(self.run_uid)
                os.setuid(self.run_uid)
            os.execve(argv[0], argv, request["env"])
        except BaseException as error:  # report anything, then die
            os.write(2, f"sandbox: cannot start {argv[0]}: {error}\n".encode())
        os._exit(127)

    def _watch(self, pid: int, started: float, out_r: int, err_r: int, request: dict) -> dict:
        deadline = started + float(request["time_s"])
        cap = int(request["output_bytes"])
        buffers = {out_r: bytearray(), err_r: bytearray()}
        open_fds = [out_r, err_r]
        timed_out = output_limited = False
        waited = None
        ended = started
        while waited is None:
            waited = self._reap(pid)
            if waited is not None:
                ended = time.monotonic()
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([*open_fds, self._wake_r], [], [], remaining)
            for fd in ready:
                if fd == self._wake_r:
                    self._drain_wakeups()
                else:
                    self._read(fd, buffers, open_fds)
            if len(buffers[out_r]) + len(buffers[err_r]) > cap:
                output_limited = True
                break
        if waited is None:
            ended = time.monotonic()
            self._kill_group(pid)
            waited = self._wait(pid)
        # Whatever the job wrote before it ended (grandchildren may hold the pipes open:
        # take what is there now, never wait for their EOF).
        while open_fds and not output_limited:
            ready, _, _ = select.select(open_fds, [], [], 0)
            if not ready:
                break
            for fd in ready:
                self._read(fd, buffers, open_fds)
            if len(buffers[out_r]) + len(buffers[err_r]) > cap:
                output_limited = True
        for fd in (out_r, err_r):
            os.close(fd)
        status, usage = waited
        exit_code = os.waitstatus_to_exitcode(status)
        return {
            "exit_code": exit_code,
            "timed_out": timed_out,
            "output_limited": output_limited,
            "wall_s": ended - started,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "maxrss_kb": usage.ru_maxrss,
            "stdout": bytes(buffers[out_r][:cap]).decode("utf-8", "replace"),
            "stderr": bytes(buffers[err_r][-TAIL_BYTES:]).decode("utf-8", "replace"),
        }

    @staticmethod
    def _read(fd: int, buffers: dict, open_fds: list) -> None:
        chunk = os.read(fd, 1 << 16)
        if chunk:
            buffers[fd] += chunk
        else:
            open_fds.remove(fd)

    def _drain_wakeups(self) -> None:
        try:
            while os.read(self._wake_r, 512):
                pass
        except BlockingIOError:
            pass

    @staticmethod
    def _reap(pid: int):
        waited_pid, status, usage = os.wait4(pid, os.WNOHANG)
        return (status, usage) if waited_pid else None

    @staticmethod
    def _wait(pid: int):
        _, status, usage = os.wait4(pid, 0)
        return status, usage

    @staticmethod
    def _kill_group(pid: int) -> None:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)

    def _sweep(self, pid: int) -> None:
        """Kill what the job left behind: its group, and in our own PID namespace every
        process but us (daemons that called setsid, children that outlived the job)."""
        self._kill_group(pid)
        if not self.own_namespace:
            return
        me = str(os.getpid())
        for _ in range(200):
            others = [p for p in os.listdir("/proc") if p.isdigit() and p != me]
            for other in others:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(other), signal.SIGKILL)
            self._reap_all()
            if not others:
                return
            time.sleep(0.001)

    @staticmethod
    def _reap_all() -> None:
        while True:
            try:
                waited_pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not waited_pid:
                return


def main() -> None:
    root = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
    run_uid = int(os.environ.get("CODEPREF_RUN_UID", "-1"))
    _make_undumpable()
    supervisor = Supervisor(root, run_uid)
    reader, writer = sys.stdin.buffer, sys.stdout.buffer
    for line in reader:
        try:
            answer = supervisor.handle(json.loads(line))
        except Exception as error:  # every failure becomes an answer
            answer = {"error": f"{type(error).__name__}: {error}"}
        writer.write(json.dumps(answer).encode() + b"\n")
        writer.flush()
    supervisor._sweep(-1)


if __name__ == "__main__":
    main()
