"""Hostile programs, in both backends: each is contained and gets the right verdict."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import pytest

from sandbox import Limits, Program, Status, TestCase

from .conftest import my_job_processes

SHORT = Limits(time_s=2.0, memory_mb=256, output_kb=1024, compile_time_s=3.0)


def py(source: str) -> Program:
    return Program("Python", source)


def test_loopback_server_on_the_host_is_unreachable(sandbox):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    source = (
        "import socket\n"
        f"s = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
        "s.sendall(b'escaped')\n"
    )
    result = sandbox.run(py(source), limits=SHORT)
    server.setblocking(False)
    with pytest.raises(BlockingIOError):  # no connection ever reached the backlog
        server.accept()
    server.close()
    assert result.status is Status.RUNTIME_ERROR
    assert "Error" in result.stderr_tail  # ConnectionRefused / NetworkUnreachable


@pytest.mark.parametrize("target", ["/etc/codepref-escape", "/usr/codepref-escape", "{repo}"])
def test_writing_outside_the_work_dir_fails(sandbox, target, repo_root):
    path = target.format(repo=repo_root / f"escape-{uuid.uuid4().hex}")
    result = sandbox.run(py(f"open({path!r}, 'w').write('x')\n"), limits=SHORT)
    assert result.status is Status.RUNTIME_ERROR
    assert "Error" in result.stderr_tail
    assert not Path(path).exists()


def test_root_only_files_are_unreadable(sandbox):
    result = sandbox.run(py("print(open('/etc/shadow').read())\n"), limits=SHORT)
    assert result.status is Status.RUNTIME_ERROR
    assert "PermissionError" in result.stderr_tail
    assert "root:" not in result.stdout_tail


@pytest.mark.slow
def test_fork_bomb_is_contained_and_the_worker_survives(sandbox):
    bomb = Program("C", "#include <unistd.h>\nint main(void){for(;;) fork();}\n")
    result = sandbox.run(bomb, limits=SHORT)
    assert result.status is Status.TIMEOUT
    assert my_job_processes(getattr(sandbox, "client", None)) == []
    after = sandbox.run(py("print(6 * 7)\n"), [TestCase("", "42\n")], limits=SHORT)
    assert after.status is Status.OK


def test_memory_bomb_is_memory_limit(sandbox):
    bomb = py("chunks = []\nwhile True:\n    chunks.append(bytearray(16 << 20))\n")
    result = sandbox.run(bomb, limits=SHORT)
    assert result.status is Status.MEMORY_LIMIT


def test_infinite_loop_times_out_on_time(sandbox):
    result = sandbox.run(py("while True:\n    pass\n"), limits=SHORT)
    assert result.status is Status.TIMEOUT
    assert SHORT.time_s <= result.wall_s < SHORT.time_s + 1.0


def test_a_gigabyte_of_output_hits_the_output_limit(sandbox):
    flood = Program(
        "C",
        "#include <stdio.h>\n#include <string.h>\n"
        "int main(void){static char b[1<<20]; memset(b,'x',sizeof b);"
        " for(int i=0;i<1024;i++) fwrite(b,1,sizeof b,stdout); return 0;}\n",
    )
    result = sandbox.run(flood, limits=SHORT)
    assert result.status is Status.OUTPUT_LIMIT
    assert len(result.stdout_tail) <= SHORT.output_kb * 1024


def test_a_child_that_ignores_sigterm_and_outlives_its_parent_is_killed(sandbox):
    marker = f"codepref-orphan-{uuid.uuid4().hex}"
    source = (
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', "
        "'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)',"
        f" {marker!r}], start_new_session=True)\n"
        "print('parent done')\n"
    )
    result = sandbox.run(py(source), [TestCase("", "parent done\n")], limits=SHORT)
    assert result.status is Status.OK
    leftovers = [p for p in my_job_processes(getattr(sandbox, "client", None)) if marker in p]
    assert leftovers == []


def test_a_compile_that_never_ends_is_a_compile_error(sandbox):
    # Ten nested expansions of ten copies: 10**15 tokens; the preprocessor never finishes.
    # cc1 grows by about 1 GB a second, so the compile deadline or the compile memory cap
    # (2 GiB) stops it, whichever comes first on this machine: both are containment.
    source = (
        "#define A(x) x x x x x x x x x x\n#define B(x) A(A(A(A(A(x)))))\n"
        "int main(void){ B(B(B(;))) return 0; }\n"
    )
    result = sandbox.run(Program("C", source), limits=SHORT)
    assert result.status is Status.COMPILE_ERROR
    assert result.tests == ()
    assert 1.0 <= result.compile_s < SHORT.compile_time_s + 2
    deadline = f"compilation exceeded {SHORT.compile_time_s:g}s" in result.compile_output
    assert deadline or "Killed signal terminated program cc1" in result.compile_output


def test_a_program_that_deletes_its_own_work_dir(sandbox):
    source = "import os, shutil\nshutil.rmtree(os.getcwd())\nprint('gone')\n"
    result = sandbox.run(py(source), [TestCase("", "gone\n")], limits=SHORT)
    assert result.status is Status.OK
    after = sandbox.run(py("print('still here')\n"), [TestCase("", "still here\n")])
    assert after.status is Status.OK


def test_unicode_and_nul_bytes_in_source_and_stdin(sandbox):
    text = "héllo\x00wörld ✓ 𝄞\n"
    echo = py("# ünïcödé ✓\nimport sys\nsys.stdout.write(sys.stdin.read())\n")
    result = sandbox.run(echo, [TestCase(text, text)], limits=SHORT)
    assert result.status is Status.OK
    nul_in_source = Program("C", '#include <stdio.h>\n/* \x00 ✓ */\nint main(void){puts("ok");}\n')
    compiled = sandbox.run(nul_in_source, [TestCase("", "ok\n")], limits=SHORT)
    assert compiled.status is Status.OK
