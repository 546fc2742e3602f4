"""The process backend: namespaces, per-worker cgroups, and cleanup after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sandbox import ProcessSandbox, Program, Status, TestCase
from sandbox.backends.process import JOB_UIDS, Isolation, detect_isolation
from sandbox.cgroups import cgroup_version

pytestmark = pytest.mark.skipif(
    detect_isolation() is not Isolation.ROOT, reason="needs root: namespaces + cgroups"
)


def worker_cgroups(pid: int) -> list[Path]:
    root = Path("/sys/fs/cgroup")
    parent = root / "codepref" if cgroup_version() == 2 else root / "memory" / "codepref"
    return [d for d in parent.glob(f"{pid}-*") if d.is_dir()] if parent.is_dir() else []


def test_jobs_see_their_own_namespaces(process_sandbox):
    probe = (
        "import os, socket\n"
        "print(os.getuid(), len([p for p in os.listdir('/proc') if p.isdigit()]))\n"
        "print(sorted(name for _, name in socket.if_nameindex()))\n"
    )
    result = process_sandbox.run(Program("Python", probe))
    assert result.status is Status.OK
    uid_line, interfaces = result.stdout_tail.splitlines()
    uid, visible = map(int, uid_line.split())
    assert uid in JOB_UIDS
    assert visible <= 3  # the supervisor, the job (and nothing of the host)
    assert interfaces == "['lo']"


def test_worker_cgroups_are_removed_on_close():
    before = set(worker_cgroups(os.getpid()))  # the session's sandbox has its own
    with ProcessSandbox(workers=1) as sandbox:
        assert sandbox.run(Program("Python", "print(1)"), [TestCase("", "1\n")]).passed
        assert len(set(worker_cgroups(os.getpid())) - before) == 1
    assert set(worker_cgroups(os.getpid())) == before


CHILD = """
import os, signal
from sandbox import ProcessSandbox, Program
sandbox = ProcessSandbox(workers=1)
sandbox.run(Program("Python", "print(1)"))
print("ready", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_parent_leaves_nothing_running_and_its_cgroups_are_reaped():
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CHILD)], stdout=subprocess.PIPE)
    assert child.stdout.readline().strip() == b"ready"
    assert child.wait(timeout=30) == -signal.SIGKILL
    with ProcessSandbox(workers=1):
        assert worker_cgroups(child.pid) == []


def test_without_namespaces_the_work_root_is_private_and_removed(tmp_path):
    """Bare supervisors empty their root after every program: that root must be theirs,
    never the host's /tmp."""
    import tempfile

    neighbour = Path(tempfile.gettempdir()) / f"codepref-neighbour-{os.getpid()}"
    neighbour.write_text("keep me")
    try:
        probe = "import os\nprint(os.getcwd())\n"
        with ProcessSandbox(workers=1, isolation=Isolation.NONE, allow_unisolated=True) as sandbox:
            result = sandbox.run(Program("Python", probe))
            workdir = Path(result.tests[0].stdout_tail.strip())
            root = workdir.parent
            assert root.name.startswith("codepref-sandbox-") and root.is_dir()
            sandbox.run(Program("Python", "print(1)\n"))
            assert neighbour.read_text() == "keep me"
        assert not root.exists()
    finally:
        neighbour.unlink()
