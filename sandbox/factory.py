"""``open_sandbox``: choose and open a backend by name, or automatically."""

from __future__ import annotations

import logging
from typing import Any

from .pool import WorkerPool

log = logging.getLogger("sandbox")

BACKENDS = ("auto", "docker", "process")


def open_sandbox(backend: str = "auto", **config: Any) -> WorkerPool:
    """Open a sandbox; ``config`` goes to the backend (workers, limits, images, ...).

    ``auto`` is Docker when an engine answers and its images are usable (the official
    images when all are present, else the offline host image, built if missing), else the
    process backend. The fallback is logged as a warning: the process backend isolates
    with namespaces on the host, which is weaker than a container. Where the kernel refuses
    namespaces the process backend raises ``UnisolatedError`` unless ``allow_unisolated``.
    """
    if backend not in BACKENDS:
        raise ValueError(
            f"unknown sandbox backend {backend!r}; expected one of {', '.join(BACKENDS)}"
        )
    allow_unisolated = config.pop("allow_unisolated", False)
    if backend in ("auto", "docker"):
        from .backends.docker import DockerSandbox, DockerUnavailableError

        try:
            return DockerSandbox(**config)
        except DockerUnavailableError as error:
            if backend == "docker":
                raise
            log.warning("SANDBOX BACKEND: process (no usable Docker engine: %s)", error)
    from .backends.process import ProcessSandbox

    docker_only = {"images", "client", "cpus", "container_memory_mb", "container_pids"}
    process_config = {k: v for k, v in config.items() if k not in docker_only}
    return ProcessSandbox(**process_config, allow_unisolated=allow_unisolated)
