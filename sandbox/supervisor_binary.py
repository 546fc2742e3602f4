"""The supervisor binary: where its Go source lives, how it is built, where builds are cached.

Both backends run the same supervisor (``sandbox/supervisor/main.go``): a static Go binary,
so it runs in any image whatever that image lacks (the official JDK and Mono images have no
python3, Alpine has no glibc). It is built once per source version and machine architecture
and cached under ``$CODEPREF_CACHE_DIR`` (default ``~/.cache/codepref``):

* with the host's ``go`` when there is one (``make system`` installs it: Go is one of the
  eight sandbox languages anyway);
* otherwise in the sandbox's own Go image on the Docker engine (network off, nothing
  downloaded: the supervisor uses the standard library only).

``CODEPREF_SUPERVISOR=/path/to/codepref-supervisor`` skips the build, for clusters that
distribute one prebuilt binary (``codepref sandbox supervisor --out PATH`` writes one).
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .runners import PATH

SOURCE_DIR = Path(__file__).resolve().parent / "supervisor"
BINARY_NAME = "codepref-supervisor"
BUILD_TIMEOUT_S = 300
_GO_BUILD = ["go", "build", "-trimpath", "-ldflags=-s -w", "-o"]
_GO_ENV = {"CGO_ENABLED": "0", "GOPROXY": "off"}


class SupervisorBuildError(RuntimeError):
    """The supervisor binary is neither given, cached nor buildable on this machine."""


def source_digest() -> str:
    """A short hash of the Go sources and the machine architecture: the cache key."""
    digest = hashlib.sha256(platform.machine().encode())
    for path in sorted(SOURCE_DIR.iterdir()):
        if path.suffix == ".go" or path.name == "go.mod":
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    configured = os.environ.get("CODEPREF_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "codepref"


def cached_binary() -> Path:
    return cache_dir() / "supervisor" / source_digest() / BINARY_NAME


def supervisor_binary(docker_client: Any = None, go_image: Any = None) -> Path:
    """The path of a runnable supervisor binary, building it on first use.

    ``docker_client`` and ``go_image`` (an :class:`~sandbox.images.ImageSpec`) allow the
    build in a container when the host has no Go toolchain.
    """
    given = os.environ.get("CODEPREF_SUPERVISOR")
    if given:
        path = Path(given)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise SupervisorBuildError(f"CODEPREF_SUPERVISOR={given} is not an executable file")
        return path
    target = cached_binary()
    if target.is_file():
        return target
    if shutil.which("go"):
        build_with_host_go(target)
    elif docker_client is not None and go_image is not None:
        build_in_container(target, docker_client, go_image)
    else:
        raise SupervisorBuildError(
            "the sandbox supervisor is not built and this machine has no Go toolchain "
            "(install Go >= 1.19: `make system`, or apt-get install golang-go) and no Docker "
            f"engine to build it in; or set CODEPREF_SUPERVISOR to a prebuilt {BINARY_NAME}"
        )
    return target


def build_with_host_go(target: Path) -> None:
    def build(output: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="codepref-gocache-") as gocache:
            env = {**os.environ, **_GO_ENV, "GOCACHE": gocache}
            done = subprocess.run(
                [*_GO_BUILD, str(output), "."],
                cwd=SOURCE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT_S,
                check=False,
            )
        if done.returncode != 0:
            raise SupervisorBuildError(f"go build of {SOURCE_DIR} failed:\n{done.stderr}")

    _install(target, build)


def build_in_container(target: Path, client: Any, image: Any) -> None:
    """Build with the ``go`` of a sandbox image (network off; sources mounted read-only)."""

    def build(output: Path) -> None:
        import docker.errors

        volumes = {
            **image.volumes(),
            str(SOURCE_DIR): {"bind": "/src", "mode": "ro"},
            str(output.parent): {"bind": "/out", "mode": "rw"},
        }
        try:
            client.containers.run(
                image.name,
                [*_GO_BUILD, f"/out/{output.name}", "."],
                working_dir="/src",
                environment={**_GO_ENV, "GOCACHE": "/tmp/gocache", "HOME": "/tmp", "PATH": PATH},
                volumes=volumes,
                tmpfs={"/tmp": "rw,exec,size=1024m"},
                network_mode="none",
                user="0:0",
                remove=True,
                stdout=True,
                stderr=True,
            )
        except docker.errors.ContainerError as error:
            stderr = (error.stderr or b"").decode("utf-8", "replace")
            raise SupervisorBuildError(f"go build in {image.name} failed:\n{stderr}") from None
        except docker.errors.DockerException as error:
            raise SupervisorBuildError(f"cannot build in {image.name}: {error}") from None

    _install(target, build)


def _install(target: Path, build: Any) -> None:
    """Build into a private directory next to ``target`` and rename it into place, so
    concurrent first uses (test workers, pipeline tasks) never see a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        output = staging / BINARY_NAME
        build(output)
        if not os.access(output, os.X_OK):
            output.chmod(0o755)
        os.replace(output, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
