"""The Docker backend: hardened containers, warm pool, replacement, and no leftovers."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest

from sandbox import DockerSandbox, Job, Program, Status, TestCase
from sandbox.backends.docker import (
    LABEL,
    OWNER_LABEL,
    _owner,
    reap_orphans,
    sandbox_containers,
)
from sandbox.backends.process import JOB_UIDS
from sandbox.images import ImageConfig
from sandbox.runners import HELLO_WORLD

pytestmark = pytest.mark.docker


def test_containers_are_locked_down(docker_sandbox):
    docker_sandbox.run(Program("Python", "print(1)\n"))
    client = docker_sandbox.client
    mine = [
        client.containers.get(i) for i, o in sandbox_containers(client).items() if o == _owner()
    ]
    assert mine
    for container in mine:
        host = container.attrs["HostConfig"]
        assert host["NetworkMode"] == "none"
        assert host["ReadonlyRootfs"] is True
        assert host["CapDrop"] == ["ALL"]
        assert "no-new-privileges" in host["SecurityOpt"]
        assert host["PidsLimit"] > 0 and host["Memory"] > 0 and host["NanoCpus"] > 0
        assert host["MemorySwap"] == host["Memory"]  # no swap
        assert "/tmp" in host["Tmpfs"]
        assert host["AutoRemove"] is True
        uid, _, gid = container.attrs["Config"]["User"].partition(":")
        assert uid == gid and int(uid) in JOB_UIDS  # the worker's own uid
        assert host["IpcMode"] == "private"
        mounts = {m["Destination"]: m["RW"] for m in container.attrs["Mounts"]}
        assert mounts and not any(mounts.values())  # every bind mount read-only


def test_a_closed_sandbox_has_left_no_container(docker_client, host_image):
    """A worker's container removes itself once its channel closes; closing the sandbox
    waits for that removal instead of returning while the engine is still at it. (Other
    sandboxes of this process, the suite's shared ones, keep theirs.)"""

    def mine() -> set[str]:
        return {i for i, o in sandbox_containers(docker_client).items() if o == _owner()}

    for _ in range(3):
        before = mine()
        with DockerSandbox(images=ImageConfig.host(host_image), client=docker_client) as sandbox:
            # Workers that held precompiled headers (tens of MB) take longest to go.
            jobs = [Job(Program("Cpp", HELLO_WORLD["Cpp"]))] * 4 + [Job(Program("Python", "pass"))]
            assert all(r.passed for r in sandbox.run_many(jobs, workers=2, progress=False))
            assert mine() - before  # the sandbox's own workers, listed while it is open
        assert mine() - before == set()


def test_jobs_run_as_a_worker_uid_in_a_read_only_root(docker_sandbox):
    probe = "import os\nprint(os.getuid())\nopen('/probe', 'w')\n"
    result = docker_sandbox.run(Program("Python", probe))
    assert result.status is Status.RUNTIME_ERROR
    assert int(result.stdout_tail) in JOB_UIDS
    assert "Read-only file system" in result.stderr_tail


def test_no_job_can_reach_the_supervisor_socket(docker_sandbox):
    probe = (
        "import os, socket\n"
        "print(sorted(os.listdir('/run/codepref')))\n"
        "s = socket.socket(socket.AF_UNIX)\n"
        "s.connect('/run/codepref/supervisor.sock')\n"
    )
    result = docker_sandbox.run(Program("Python", probe))
    assert result.status is Status.RUNTIME_ERROR
    assert result.tests[0].stdout_tail == "[]\n"  # deleted once the supervisor connected
    assert "FileNotFoundError" in result.stderr_tail


def test_orphans_of_dead_owners_are_reaped(docker_client, host_image):
    import socket

    orphan = docker_client.containers.create(
        host_image,
        command=["/bin/sleep", "600"],
        labels={LABEL: "1", OWNER_LABEL: f"{socket.gethostname()}:{2**22 + 7}"},
        volumes={"/usr": {"bind": "/usr", "mode": "ro"}, "/lib": {"bind": "/lib", "mode": "ro"}},
    )
    # Not ``reap_orphans(...) >= 1``: a sandbox starting in another test worker reaps too,
    # and may remove this orphan first.
    reap_orphans(docker_client)
    assert orphan.id not in sandbox_containers(docker_client)


def test_dead_containers_are_replaced(docker_sandbox):
    # Two overlapping jobs leave two warm workers; the engine then kills both. The retry
    # must not land on the other dead worker: it runs on a freshly started one.
    napping = Program("Python", "import time\ntime.sleep(0.5)\n")
    warm = docker_sandbox.run_many([Job(napping), Job(napping)], workers=2, progress=False)
    assert [r.status for r in warm] == [Status.OK, Status.OK]
    killed = 0
    client = docker_sandbox.client
    for container_id, owner in sandbox_containers(client).items():
        if owner == _owner():
            client.api.kill(container_id)
            killed += 1
    assert killed >= 2
    result = docker_sandbox.run(Program("Python", "print(2)\n"), [TestCase("", "2\n")])
    assert result.status is Status.OK, result.compile_output


CHILD = """
import os, signal, sys, time
from sandbox import DockerSandbox, Program
with DockerSandbox(images="host", workers=1) as sandbox:
    sandbox.run(Program("Python", "print(1)"))
    print("ready", flush=True)
    if sys.argv[1] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(60)
"""


@pytest.mark.slow
@pytest.mark.parametrize("how", ["kill", "interrupt"])
def test_no_container_outlives_a_killed_or_interrupted_parent(docker_client, host_image, how):
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD), how], stdout=subprocess.PIPE
    )
    assert child.stdout.readline().strip() == b"ready"
    owner_suffix = f":{child.pid}"

    def owned() -> list[str]:
        return [i for i, o in sandbox_containers(docker_client).items() if o.endswith(owner_suffix)]

    assert owned()
    if how == "interrupt":
        child.send_signal(signal.SIGINT)
    child.wait(timeout=30)
    deadline = time.monotonic() + 20
    while owned() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert owned() == []


@pytest.mark.slow
def test_images_without_python3_run_their_languages(docker_client, host_image):
    """The official JDK and Mono images have no python3, and the supervisor must not need
    one: here the host image's Python standard library is hidden under an empty tmpfs."""
    import shutil

    from sandbox import DockerSandbox, Job
    from sandbox.images import ImageConfig
    from sandbox.runners import HELLO_WORLD, PATH

    python = shutil.which("python3", path=PATH)
    stdlib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    class WithoutPython(DockerSandbox):
        def container_config(self, image, channel_dir):
            config = super().container_config(image, channel_dir)
            config["tmpfs"] = {**config["tmpfs"], stdlib: "ro,size=1m"}
            return config

    languages = ["Java", "CSharp", "C", "Python"]
    jobs = [Job(Program(lang, HELLO_WORLD[lang]), (TestCase("", "hello\n"),)) for lang in languages]
    with WithoutPython(images=ImageConfig.host(host_image), workers=1) as sandbox:
        results = dict(zip(languages, sandbox.run_many(jobs, progress=False), strict=True))
    for language in ("Java", "CSharp", "C"):
        assert results[language].status is Status.OK, results[language]
    assert results["Python"].status is Status.RUNTIME_ERROR  # python3 really is unusable
    assert "encodings" in results["Python"].stderr_tail
