"""Hostile programs, in both backends: each is contained and gets the right verdict."""

from __future__ import annotations

import itertools
import socket
import uuid
from pathlib import Path

import pytest

from sandbox import Limits, Program, Status, TestCase
from sandbox.backends.process import Isolation, ProcessSandbox, UnisolatedError

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


@pytest.mark.parametrize(
    "target",
    [
        "/etc/codepref-escape",
        "/usr/codepref-escape",
        "/var/tmp/codepref-escape",
        "/run/lock/codepref-escape",
        "{repo}",
    ],
)
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


def test_the_users_files_are_invisible(sandbox, repo_root):
    readme = repo_root / "README.md"
    assert readme.exists()
    result = sandbox.run(py(f"print(open({str(readme)!r}).read()[:20])\n"), limits=SHORT)
    assert result.status is Status.RUNTIME_ERROR
    assert "FileNotFoundError" in result.stderr_tail
    assert result.stdout_tail == ""


BOMBS = [
    Program("C", "#include <unistd.h>\nint main(void){for(;;) fork();}\n"),
    py("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"),
    Program(
        "C",
        "#include <pthread.h>\n#include <unistd.h>\n"
        "static void *spin(void *a){ for(;;) fork(); return a; }\n"
        "int main(void){ pthread_t t; for(;;) pthread_create(&t, 0, spin, 0); }\n",
    ),
]
BOMB_LIMITS = Limits(time_s=0.5, memory_mb=256, output_kb=1024, compile_time_s=20.0)


@pytest.mark.slow
def test_fifty_fork_bombs_in_a_row_get_verdicts_and_the_worker_survives(sandbox):
    # The Go supervisor needs threads of its own while a job runs: a bomb that takes every
    # pid of the worker used to kill it with a runtime dump (SANDBOX_ERROR).
    verdicts = {Status.RUNTIME_ERROR, Status.TIMEOUT, Status.MEMORY_LIMIT}
    seen = []
    for bomb in itertools.islice(itertools.cycle(BOMBS), 50):
        result = sandbox.run(bomb, limits=BOMB_LIMITS)
        seen.append((result.status, result.compile_output[-200:]))
        after = sandbox.run(py("print(6 * 7)\n"), [TestCase("", "42\n")], limits=SHORT)
        assert after.status is Status.OK, (after.status, after.stderr_tail)
    assert [s for s in seen if s[0] not in verdicts] == []
    assert my_job_processes(getattr(sandbox, "client", None)) == []


# A job that, with stdin "plant", leaves a file in every directory it can write (found from
# /proc/self/mountinfo, not from a list of paths), a System V shared-memory segment, and
# tampers with its own source; with "look", prints whatever of that it still sees.
SNOOP = """
import ctypes, os, sys
PSEUDO = {"proc", "sysfs", "cgroup", "cgroup2", "devpts", "securityfs", "debugfs",
          "tracefs", "pstore", "bpf", "configfs", "fusectl", "binfmt_misc", "autofs", "nsfs"}
KEY = 0x5EED

def writable_dirs():
    for line in open("/proc/self/mountinfo"):
        fields = line.split()
        fstype = fields[fields.index("-") + 1]
        if "rw" not in fields[5].split(",") or fstype in PSEUDO or not os.path.isdir(fields[4]):
            continue
        device, budget = os.stat(fields[4]).st_dev, 20000
        for root, dirs, _ in os.walk(fields[4]):
            budget -= 1
            if budget < 0 or os.stat(root).st_dev != device:
                dirs[:] = []
            elif os.access(root, os.W_OK):
                dirs[:] = []
                yield root

here = os.getcwd()
own = {os.path.abspath(sys.argv[0])}
mine = {here} | {os.path.dirname(here)}
libc = ctypes.CDLL(None, use_errno=True)
if sys.stdin.read().strip() == "plant":
    planted = set()
    for directory in [here, *writable_dirs()]:
        try:
            open(os.path.join(directory, "planted-by-a-job"), "w").write("x")
            planted.add(directory)
        except OSError:
            pass
    libc.shmget(KEY, 4096, 0o1000 | 0o666)
    try:
        os.chmod(sys.argv[0], 0o644)
        open(sys.argv[0], "a").write("\\n# tampered\\n")
    except OSError:
        pass
    print("ok" if {"/tmp", "/dev/shm", here} <= planted else sorted(planted))
else:
    seen = []
    for directory in writable_dirs():
        for name in os.listdir(directory):
            path = os.path.join(directory, name)
            if path not in mine and path not in own:
                seen.append(path)
    if libc.shmget(KEY, 0, 0) >= 0:
        seen.append("shm segment")
    if open(sys.argv[0]).read().splitlines()[-1] == "# tampered":
        seen.append("tampered source")
    print("seen: " + " ".join(sorted(seen)))
"""


def snoop_program() -> Program:
    return py(SNOOP)


PLANT = TestCase("plant", "ok\n")
LOOK = TestCase("look", "seen: \n")


def test_no_test_of_a_program_sees_what_an_earlier_test_left(sandbox):
    result = sandbox.run(snoop_program(), [PLANT, LOOK, LOOK], limits=SHORT)
    assert [t.status for t in result.tests] == [Status.OK] * 3, result.tests[-1].stdout_tail


def test_no_program_sees_what_an_earlier_program_left(sandbox):
    program = snoop_program()
    planted = sandbox.run(program, [PLANT], limits=SHORT)
    assert planted.status is Status.OK, planted.stdout_tail + planted.stderr_tail
    looked = sandbox.run(program, [LOOK], limits=SHORT)
    assert looked.status is Status.OK, looked.stdout_tail


def test_the_supervisor_wipes_every_writable_mount(sandbox):
    # What the supervisor empties (found from mountinfo) covers /tmp and /dev/shm.
    worker = sandbox._acquire(sandbox._key("Python"))
    try:
        dirs = worker.writable_dirs()
    finally:
        sandbox._release(sandbox._key("Python"), worker)
    assert {"/tmp", "/dev/shm"} <= set(dirs)
    assert "/" not in dirs and "/usr" not in dirs


def test_without_namespaces_the_process_backend_refuses_unless_told_the_risk():
    with pytest.raises(UnisolatedError, match="--unsafe-no-isolation"):
        ProcessSandbox(workers=1, isolation=Isolation.NONE)
    with ProcessSandbox(workers=1, isolation=Isolation.NONE, allow_unisolated=True) as bare:
        result = bare.run(py("print('ran')\n"), [TestCase("", "ran\n")], limits=SHORT)
    assert result.status is Status.OK


def test_memory_bomb_is_memory_limit(sandbox):
    bomb = py("chunks = []\nwhile True:\n    chunks.append(bytearray(16 << 20))\n")
    # A generous deadline: on a loaded machine the bomb may get little CPU, and it is the
    # memory limit, not the clock, that must stop it.
    result = sandbox.run(bomb, limits=Limits(time_s=30.0, memory_mb=256, compile_time_s=3.0))
    assert result.status is Status.MEMORY_LIMIT


def test_infinite_loop_times_out_on_time(sandbox):
    result = sandbox.run(py("while True:\n    pass\n"), limits=SHORT)
    assert result.status is Status.TIMEOUT
    # On time: its limit when it gets the CPU, at most 4x that when a loaded host starves it.
    assert SHORT.time_s <= result.wall_s < 4 * SHORT.time_s + 1.0


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
    assert 1.0 <= result.compile_s < 4 * SHORT.compile_time_s + 2  # 4x: a starved compile
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


def test_the_go_build_cache_is_never_on_disk_while_a_program_runs(sandbox):
    # The compiler's cache is kept between programs (a cold build costs seconds), but a
    # program could poison it: it exists for compilations only.
    lister = Program(
        "Go",
        'package main\nimport (\n\t"fmt"\n\t"os"\n)\n'
        'func main() {\n\tentries, _ := os.ReadDir("/tmp")\n'
        "\tfor _, e := range entries {\n\t\tfmt.Println(e.Name())\n\t}\n}\n",
    )
    for _ in range(2):  # the second build uses the cache the first one filled
        result = sandbox.run(lister, limits=BOMB_LIMITS)
        assert result.status is Status.OK, result.compile_output
        assert [name.startswith("job") for name in result.stdout_tail.split()] == [True]
