"""The supervisor (sandbox/supervisor/main.go) over its protocol, run bare (no namespaces)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile

import pytest

from sandbox.runners import PATH
from sandbox.supervisor_binary import supervisor_binary


@contextlib.contextmanager
def running(root, env=None, pass_fds=()):
    """A bare supervisor on ``root``, as a function that sends one request and returns the
    answer."""
    process = subprocess.Popen(
        [str(supervisor_binary()), str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={"PATH": PATH, **(env or {})},
        pass_fds=pass_fds,
    )

    def ask(**request):
        process.stdin.write(json.dumps(request).encode() + b"\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())

    try:
        yield ask
    finally:
        process.stdin.close()
        process.wait(timeout=10)


@pytest.fixture
def supervisor(tmp_path):
    with running(tmp_path) as ask:
        yield ask


def job(**overrides):
    request = {
        "op": "exec",
        "dir": "j",
        "argv": ["sh", "-c", "cat; echo err >&2"],
        "env": {"PATH": PATH},
        "stdin": "in\x00put ✓",
        "time_s": 5,
        "output_bytes": 1 << 16,
    }
    return {**request, **overrides}


def test_ping_write_exec_remove(supervisor, tmp_path):
    assert supervisor(op="ping")["namespace"] is False
    written = supervisor(op="write", dir="j", files={"a/b.txt": "hé"})
    assert (tmp_path / "j" / "a" / "b.txt").read_text() == "hé"
    assert written["dir"] == str(tmp_path / "j")
    seen = supervisor(**job())
    assert seen["exit_code"] == 0
    assert seen["stdout"] == "in\x00put ✓"
    assert seen["stderr"] == "err\n"
    assert not seen["timed_out"] and not seen["output_limited"]
    (tmp_path / "planted").write_text("left by a job")
    supervisor(op="write", dir="k", files={})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k"]  # the next program starts clean


def test_deadline_output_cap_and_signals(supervisor):
    supervisor(op="write", dir="j", files={})
    # A job that uses no CPU (or is starved of it on a loaded host) gets up to 4x its limit
    # in wall time before TIMEOUT, so load never fails a correct slow program.
    slow = supervisor(**job(argv=["sleep", "30"], time_s=0.5))
    assert slow["timed_out"] and 2.0 <= slow["wall_s"] < 3.0
    loud = supervisor(**job(argv=["yes"], output_bytes=1000))
    assert loud["output_limited"] and len(loud["stdout"]) == 1000
    killed = supervisor(**job(argv=["sh", "-c", "kill -SEGV $$"]))
    assert killed["exit_code"] == -11
    missing = supervisor(**job(argv=["no-such-program-xyz"]))
    assert missing["exit_code"] == 127 and "not found" in missing["stderr"]


def test_bad_requests_are_answered_not_fatal(supervisor):
    assert "error" in supervisor(op="write", dir="../escape", files={})
    assert "error" in supervisor(op="write", dir="j", files={"../../x": "y"})
    assert "error" in supervisor(op="nonsense")
    assert "pid" in supervisor(op="ping")


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to the job uid needs root")
def test_jobs_get_the_run_uid_rlimits_and_no_inherited_descriptors(tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    for reachable in (root, *root.parents):  # the job's uid must reach its work dir
        if str(reachable).startswith(tempfile.gettempdir() + os.sep):
            reachable.chmod(0o755)
    inherited = os.open(os.devnull, os.O_RDONLY)
    with running(root, {"CODEPREF_RUN_UID": "65534"}, pass_fds=(inherited,)) as ask:
        os.close(inherited)
        ask(op="write", dir="j", files={"x": "1"})
        assert (root / "j" / "x").stat().st_uid == 65534
        probe = "id -u; ls /proc/$$/fd; cat /proc/$$/limits"
        seen = ask(
            **job(argv=["sh", "-c", probe], time_s=3, address_space_bytes=256 << 20, nproc=64)
        )
    uid, *lines = seen["stdout"].splitlines()
    assert uid == "65534"
    descriptors = {line for line in lines if line.isdigit()}
    assert descriptors == {"0", "1", "2"}, "only stdio reaches a job"
    limits = {line[:26].strip(): line[26:].split()[:2] for line in lines if line.startswith("Max")}
    assert limits["Max cpu time"] == ["4", "5"]  # int(time_s) + 1 seconds, hard one more
    assert limits["Max address space"] == [str(256 << 20)] * 2
    assert limits["Max processes"] == ["64", "64"]
    assert limits["Max core file size"] == ["0", "0"]
    assert limits["Max file size"] == [str(1 << 28)] * 2


def test_stdout_keeps_its_head_and_stderr_its_tail(supervisor):
    supervisor(op="write", dir="j", files={})
    noisy = "seq 1 40000 >&2; echo done"
    seen = supervisor(**job(argv=["sh", "-c", noisy], output_bytes=1 << 20))
    assert seen["stdout"] == "done\n"
    assert len(seen["stderr"].encode()) == 1 << 16
    assert seen["stderr"].endswith("39999\n40000\n")
    invalid = supervisor(**job(argv=["printf", "a\\377b"]))
    assert invalid["stdout"] == "a\ufffdb"  # undecodable bytes become U+FFFD, never an error


def test_hold_makes_a_build_cache_restored_for_its_execs_only(supervisor, tmp_path):
    import base64
    import zlib

    held = tmp_path / "held"
    data = base64.b64encode(zlib.compress(b"precompiled")).decode()
    answer = supervisor(op="hold", dir=str(held), blobs={"x.gch": {"mode": 0o644, "data": data}})
    assert answer == {"dir": str(held)}
    supervisor(op="write", dir="j", files={})
    read = job(argv=["cat", str(held / "x.gch")], stdin="")
    assert supervisor(**read, cache=str(held))["stdout"] == "precompiled"
    supervisor(op="write", dir="j", files={})
    assert supervisor(**read)["exit_code"] != 0  # never on disk outside its execs
    for bad in ({"dir": "relative"}, {"dir": str(held), "name": "../x"}):
        blobs = {bad.get("name", "x"): {"mode": 0o644, "data": data}}
        assert "error" in supervisor(op="hold", dir=bad["dir"], blobs=blobs)
