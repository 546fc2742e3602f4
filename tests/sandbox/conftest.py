"""Sandboxes shared by the sandbox tests, and the session-wide leak check.

One warm sandbox per backend serves the whole session (that is how they are meant to be
used, and it keeps the suite fast). After the last test the session checks that nothing
escaped: no labelled container, no worker cgroup, no process running as the sandbox user
(a worker's own job uid, see ``worker_uid``), no file of a job uid left in the host /tmp.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox import Limits, ProcessSandbox
from sandbox.backends.process import JOB_UIDS, Isolation, detect_isolation
from sandbox.cgroups import cgroup_version

SANDBOX_LIMITS = Limits(time_s=10.0, memory_mb=512, compile_time_s=60.0)


def _docker_client():
    try:
        import docker

        client = docker.from_env(timeout=30)
        client.ping()
    except Exception:  # any failure means "no engine here"
        return None
    return client


def _job_tmp_files() -> set[str]:
    return {p.name for p in Path("/tmp").iterdir() if _owned_by_a_job(p)}


def _owned_by_a_job(path: Path) -> bool:
    try:
        return path.lstat().st_uid in JOB_UIDS
    except OSError:
        return False


def _worker_cgroups() -> list[str]:
    root = Path("/sys/fs/cgroup")
    parents = (
        [root / "codepref"]
        if cgroup_version() == 2
        else [root / "memory" / "codepref", root / "pids" / "codepref"]
    )
    return [
        str(d)
        for parent in parents
        if parent.is_dir()
        for d in parent.iterdir()
        if d.is_dir() and d.name.split("-")[0] == str(os.getpid())
    ]


def my_job_processes(client=None) -> list[str]:
    """Job processes of this test session still alive: processes of the sandbox user inside
    one of our worker cgroups or one of our containers (other sessions on this machine
    run sandboxes too), supervisors excluded."""
    markers = [f"/codepref/{os.getpid()}-".encode()]
    if client is not None:
        from sandbox.backends.docker import _owner, sandbox_containers

        markers += [i.encode() for i, o in sandbox_containers(client).items() if o == _owner()]
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or not _owned_by_a_job(entry):
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            groups = (entry / "cgroup").read_bytes()
        except OSError:
            continue
        supervisor = cmdline.split(b"\0")[0].endswith(b"codepref-supervisor")
        if not supervisor and any(m in groups for m in markers):
            found.append(f"{entry.name}: {cmdline[:120]!r}")
    return found


@pytest.fixture(scope="session", autouse=True)
def no_leaks() -> Iterator[None]:
    tmp_before = _job_tmp_files()
    yield
    client = _docker_client()
    if client is not None:
        from sandbox.backends.docker import _owner, sandbox_containers

        mine = [i for i, o in sandbox_containers(client).items() if o == _owner()]
        assert mine == [], f"leaked containers: {mine}"
    assert _worker_cgroups() == [], "leaked worker cgroups"
    assert my_job_processes() == [], "leaked sandbox processes"
    assert _job_tmp_files() - tmp_before == set(), "sandbox jobs wrote into the host /tmp"


@pytest.fixture(scope="session")
def docker_client():
    client = _docker_client()
    if client is None:
        pytest.skip("no Docker engine answers here")
    return client


@pytest.fixture(scope="session")
def host_image(docker_client) -> str:
    """The offline host image, built if missing (an empty ``docker import``: fast)."""
    from sandbox.images import HOST_IMAGE, build_host_image, image_present

    if not image_present(docker_client, HOST_IMAGE):
        build_host_image(docker_client)
    return HOST_IMAGE


@pytest.fixture(scope="session")
def docker_sandbox(docker_client, host_image):
    from sandbox import DockerSandbox
    from sandbox.images import ImageConfig

    with DockerSandbox(
        images=ImageConfig.host(host_image), workers=2, limits=SANDBOX_LIMITS
    ) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def process_sandbox():
    if detect_isolation() is not Isolation.ROOT:
        pytest.skip("the hardened process backend needs root (namespaces + cgroups) here")
    with ProcessSandbox(workers=2, limits=SANDBOX_LIMITS) as sandbox:
        yield sandbox


@pytest.fixture(params=["process", "docker"])
def sandbox(request):
    """Each test that takes ``sandbox`` runs once per backend."""
    return request.getfixturevalue(f"{request.param}_sandbox")


@dataclass(frozen=True)
class HumanEvalX:
    """One HumanEval-X problem: ``prompt + canonical_solution + test`` is its program
    (Python then calls ``check(<entry point>)``, the last function the prompt defines)."""

    task_id: str
    language: str
    prompt: str
    solution: str
    test: str

    @property
    def harness(self) -> str:
        if self.language != "Python":
            return self.test
        entry_point = re.findall(r"^def\s+(\w+)\s*\(", self.prompt, re.MULTILINE)[-1]
        return f"{self.test.rstrip()}\n\ncheck({entry_point})\n"

    def program(self, body: str | None = None) -> str:
        """The full program, with ``body`` in place of the canonical solution if given."""
        return self.prompt + (self.solution if body is None else body) + "\n" + self.harness


def load_humaneval_x(path: Path, language: str) -> list[HumanEvalX]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [
        HumanEvalX(r["task_id"], language, r["prompt"], r["canonical_solution"], r["test"])
        for r in rows
    ]
