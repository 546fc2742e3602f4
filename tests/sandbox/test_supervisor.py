"""The supervisor protocol, talking to a bare supervisor process (no namespaces)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sandbox.backends.process import SUPERVISOR
from sandbox.runners import PATH


@pytest.fixture
def supervisor(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-I", "-S", "-u", str(SUPERVISOR), str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )

    def ask(**request):
        process.stdin.write(json.dumps(request).encode() + b"\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())

    yield ask
    process.stdin.close()
    process.wait(timeout=10)


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
    supervisor(op="remove", dir="j")
    assert not (tmp_path / "j").exists()


def test_deadline_output_cap_and_signals(supervisor):
    supervisor(op="write", dir="j", files={})
    slow = supervisor(**job(argv=["sleep", "30"], time_s=0.5))
    assert slow["timed_out"] and 0.5 <= slow["wall_s"] < 2
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
