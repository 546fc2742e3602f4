"""The Docker backend: a warm pool of hardened containers, one supervisor in each.

Every container has no network, a read-only root, a tmpfs work dir, no capabilities,
``no-new-privileges``, a non-root user and pids/memory/CPU limits. Its main process is
the supervisor (PID 1 of the container), so a job costs a fork + exec (about a
millisecond), not a container start or a ``docker exec`` round trip.

The supervisor is reached over a Unix socket, not the engine's attach stream: each worker
listens on a socket in a private host directory mounted read-only into its container; the
supervisor connects at start, and the sandbox then deletes the socket file, so no job can
ever connect to it. Requests skip the engine's relay (dockerd and the containerd shim),
which cost more CPU per job than the supervisor itself.

No container outlives its sandbox: containers are removed on :meth:`close` (also on
Ctrl-C through the context manager, and at interpreter exit); if the parent is killed
outright the socket closes, the supervisor reads end-of-file and exits, and the engine
removes the container (``auto_remove``). As a last resort every sandbox removes, on start,
labelled containers whose owning process on this host is gone.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import socket
import tempfile
import time
from typing import Any

import docker
import docker.errors

from ..api import Limits
from ..cgroups import Cgroup, weigh_parent_by_children
from ..images import ImageConfig, resolve_images
from ..pool import WorkerPool
from ..runners import PATH
from ..supervisor_binary import supervisor_binary
from ..worker import Channel, Worker, WorkerError
from .process import WORKER_NUMBERS, worker_uid

log = logging.getLogger(__name__)

LABEL = "codepref.sandbox"
OWNER_LABEL = "codepref.owner"
SUPERVISOR_IN_CONTAINER = "/opt/codepref/codepref-supervisor"
CHANNEL_IN_CONTAINER = "/run/codepref"
SOCKET_NAME = "supervisor.sock"
CONNECT_TIMEOUT_S = 60.0
# How long closing a worker waits for the engine to finish removing its container.
REMOVAL_WAIT_S = 30.0
CGROUP_PARENT = "codepref-sandbox"


class DockerUnavailableError(RuntimeError):
    """No engine answers, or no usable image: the caller may fall back to processes."""


class SocketChannel(Channel):
    """The supervisor's connection to the worker's Unix socket."""

    def __init__(self, connection: socket.socket, container: Any) -> None:
        super().__init__()
        self._socket = connection
        self._container = container

    def fileno(self) -> int:
        return self._socket.fileno()

    def write(self, data: bytes) -> None:
        self._socket.sendall(data)

    def read_chunk(self) -> bytes:
        return self._socket.recv(1 << 16)

    def diagnostics(self) -> str:
        return _logs(self._container)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()


def _logs(container: Any) -> str:
    """The supervisor's stderr, as far as the engine still has it."""
    try:
        return container.logs(stdout=False, stderr=True, tail=50).decode("utf-8", "replace")
    except docker.errors.DockerException:
        return "(container gone; no logs)"


def _listen(directory: str) -> socket.socket:
    """The worker's listening socket, reachable by the container's unprivileged user."""
    os.chmod(directory, 0o755)
    path = os.path.join(directory, SOCKET_NAME)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o666)
    listener.listen(1)
    listener.settimeout(CONNECT_TIMEOUT_S)
    return listener


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def sandbox_containers(client: docker.DockerClient) -> dict[str, str]:
    """Every sandbox container on the engine, running or not, by id, with its owner label.

    One list call and no per-container inspect: other processes' sandboxes remove their
    containers at any moment, and ``containers.list`` (which inspects each one it lists)
    then fails on a container that was there a moment before.
    """
    return {
        summary["Id"]: (summary.get("Labels") or {}).get(OWNER_LABEL, "")
        for summary in client.api.containers(all=True, filters={"label": LABEL})
    }


def reap_orphans(client: docker.DockerClient) -> int:
    """Remove sandbox containers whose owning process on this host has died."""
    removed = 0
    host = socket.gethostname()
    for container_id, owner in sandbox_containers(client).items():
        owner_host, _, owner_pid = owner.rpartition(":")
        if owner_host != host or not owner_pid.isdigit():
            continue
        try:
            os.kill(int(owner_pid), 0)
            continue
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        try:
            client.api.remove_container(container_id, force=True)
            removed += 1
        except docker.errors.APIError:
            pass
    return removed


class DockerSandbox(WorkerPool):
    """Untrusted code run in warm, locked-down containers of a Docker engine."""

    name = "docker"

    def __init__(
        self,
        *,
        images: ImageConfig | str = "auto",
        workers: int = 2,
        limits: Limits | None = None,
        count_instructions: bool = False,
        compile_cache: bool = True,
        compile_cache_dir: str | None = None,
        warm_compilers: bool = True,
        client: docker.DockerClient | None = None,
        cpus: float = 1.0,
        tmpfs_mb: int = 1024,
        container_memory_mb: int = 4096,
        container_pids: int = 512,
    ) -> None:
        super().__init__(
            workers=workers,
            limits=limits,
            count_instructions=count_instructions,
            compile_cache=compile_cache,
            compile_cache_dir=compile_cache_dir,
            warm_compilers=warm_compilers,
        )
        try:
            self.client = client or docker.from_env(timeout=60)
            self.client.ping()
            self.images = resolve_images(self.client, images)
        except docker.errors.DockerException as error:
            raise DockerUnavailableError(str(error)) from error
        except OSError as error:
            raise DockerUnavailableError(str(error)) from error
        self.supervisor = supervisor_binary(self.client, self.images.for_language("Go"))
        self.cpus = cpus
        self.tmpfs_mb = tmpfs_mb
        self.container_memory_mb = container_memory_mb
        self.container_pids = container_pids
        systemd = self.client.info().get("CgroupDriver") == "systemd"
        self.cgroup_parent = f"{CGROUP_PARENT}.slice" if systemd else f"/{CGROUP_PARENT}"
        reaped = reap_orphans(self.client)
        if reaped:
            log.warning("docker sandbox: removed %d containers left by dead processes", reaped)
        atexit.register(self.close)

    def _key(self, language: str) -> str:
        return self.images.for_language(language).name

    def container_config(
        self, image: str, channel_dir: str, uid: int | None = None
    ) -> dict[str, Any]:
        """The hardened container settings (kept in one place so tests can assert them)."""
        spec = self.images.by_name(image)
        uid = worker_uid(next(WORKER_NUMBERS)) if uid is None else uid
        socket_path = f"{CHANNEL_IN_CONTAINER}/{SOCKET_NAME}"
        return {
            "image": spec.name,
            "command": [SUPERVISOR_IN_CONTAINER, "--connect", socket_path, "/tmp"],
            "tty": False,
            # A uid of this worker's own (see worker_uid): the job's RLIMIT_NPROC then
            # counts only this container's tasks.
            "user": f"{uid}:{uid}",
            "network_mode": "none",
            "read_only": True,
            "tmpfs": {
                "/tmp": f"rw,exec,nosuid,nodev,size={self.tmpfs_mb}m,mode=1777",
            },
            # Private IPC: System V objects and POSIX queues die with the container.
            "ipc_mode": "private",
            "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges"],
            "pids_limit": self.container_pids,
            "mem_limit": f"{self.container_memory_mb}m",
            "memswap_limit": f"{self.container_memory_mb}m",
            "nano_cpus": int(self.cpus * 1e9),
            "labels": {LABEL: "1", OWNER_LABEL: _owner()},
            "volumes": {
                **spec.volumes(),
                str(self.supervisor): {"bind": SUPERVISOR_IN_CONTAINER, "mode": "ro"},
                channel_dir: {"bind": CHANNEL_IN_CONTAINER, "mode": "ro"},
            },
            "environment": {"PATH": PATH},
            "auto_remove": True,
            # All sandbox containers share one parent cgroup, weighed by their number
            # (see weigh_parent_by_children), instead of Docker's default parent.
            "cgroup_parent": self.cgroup_parent,
        }

    def _start_worker(self, key: str) -> Worker:
        channel_dir = tempfile.mkdtemp(prefix="codepref-channel-")
        try:
            listener = _listen(channel_dir)
            container = self.client.containers.create(**self.container_config(key, channel_dir))
        except Exception:
            shutil.rmtree(channel_dir, ignore_errors=True)
            raise
        try:
            container.start()
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                raise WorkerError(
                    f"the supervisor in {key} did not connect within {CONNECT_TIMEOUT_S:.0f}s: "
                    + _logs(container)
                ) from None
            finally:
                listener.close()
                # The supervisor is connected: the socket file goes, and with it any way
                # for a job to reach the listener.
                shutil.rmtree(channel_dir, ignore_errors=True)
            container.reload()
            pid = int(container.attrs["State"]["Pid"])
            cgroup = Cgroup.of_pid(pid)
            if cgroup is not None and container.id in str(cgroup.memory):
                weigh_parent_by_children(pid)
            else:
                # A remote engine: that pid is not this container here. Peak memory then
                # comes from the supervisor's rusage, limits from the container's own.
                cgroup = None
            channel = SocketChannel(connection, container)
        except Exception:
            self._remove(container)
            raise

        def remove() -> None:
            self._remove(container)

        try:
            return Worker(
                channel,
                backend=self.name,
                image=key,
                cgroup=cgroup,
                count_instructions=self.count_instructions,
                compile_cache=self.compile_cache,
                on_close=remove,
            )
        except Exception:
            channel.close()
            remove()
            raise

    @staticmethod
    def _remove(container: Any) -> None:
        """Remove the container and return once it is gone. A container whose channel
        closed exits and removes itself (``auto_remove``): then wait for that removal, so
        that a closed sandbox has left nothing behind."""
        try:
            container.remove(force=True)
        except docker.errors.NotFound:
            return
        except docker.errors.APIError as error:
            if "already in progress" not in str(error):
                raise
            deadline = time.monotonic() + REMOVAL_WAIT_S
            while time.monotonic() < deadline:
                try:
                    container.reload()
                except docker.errors.NotFound:
                    return
                time.sleep(0.02)
