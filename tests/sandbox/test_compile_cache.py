"""The compile cache: one compile per source, the same verdicts, and nothing a job can reach.

The unit tests drive :class:`CompileCache` directly; the others run real compilers in both
backends (fresh sandboxes of their own, so their counts start at zero).
"""

from __future__ import annotations

import threading
import time

import pytest

from sandbox import DockerSandbox, Limits, ProcessSandbox, Program, Status, TestCase
from sandbox.compile_cache import Build, CompileCache, build_key
from sandbox.images import ImageConfig

LIMITS = Limits(time_s=10.0, memory_mb=512, compile_time_s=60.0)
HELLO_CPP = '#include <iostream>\nint main(){ std::cout << "hello" << std::endl; }\n'


def test_the_key_changes_with_every_input_of_the_compiler():
    base = ("Cpp", "g++ 12", ["g++", "-O2", "main.cpp"], {}, {"main.cpp": "int main(){}"})
    key = build_key(*base)
    assert key == build_key(*base)
    changed = [
        ("Cpp", "g++ 13", *base[2:]),
        ("Cpp", "g++ 12", ["g++", "-O0", "main.cpp"], *base[3:]),
        (*base[:3], {"X": "1"}, base[4]),
        (*base[:4], {"main.cpp": "int main(){ }"}),
        (*base[:4], {"main.cpp": "int main(){}", "extra.h": ""}),
        ("C", *base[1:]),
    ]
    assert len({build_key(*c) for c in changed} | {key}) == len(changed) + 1


def test_a_key_being_compiled_is_waited_for_and_then_shared():
    cache = CompileCache()
    assert cache.lookup("k") is None  # this thread compiles
    seen = []
    waiter = threading.Thread(target=lambda: seen.append(cache.lookup("k")))
    waiter.start()
    time.sleep(0.2)
    assert seen == []  # still waiting for the compile
    build = Build(files={"main": (0o755, b"\x7fELF")}, output="warning: x", compile_s=1.5)
    cache.store("k", build)
    waiter.join(5)
    assert seen == [build]
    assert (cache.hits, cache.misses) == (1, 1)


def test_an_abandoned_key_is_compiled_by_the_next_worker():
    cache = CompileCache()
    assert cache.lookup("k") is None
    seen = []
    waiter = threading.Thread(target=lambda: seen.append(cache.lookup("k")))
    waiter.start()
    cache.abandon("k")  # e.g. the compile hit its deadline
    waiter.join(5)
    assert seen == [None]  # the waiter now owns the compile
    assert cache.misses == 2


def test_lookup_or_make_makes_once_keeps_only_what_is_cacheable_and_releases_on_error():
    cache = CompileCache()
    made = []

    def make(cacheable: bool = True) -> tuple[Build, bool]:
        made.append(1)
        return Build(output=f"build {len(made)}"), cacheable

    assert cache.lookup_or_make("k", make) == (Build(output="build 1"), True)
    assert cache.lookup_or_make("k", make) == (Build(output="build 1"), False)
    assert cache.lookup_or_make("u", lambda: make(False))[1] is True
    assert cache.lookup_or_make("u", lambda: make(False)) == (Build(output="build 3"), True)

    def broken() -> tuple[Build, bool]:
        raise RuntimeError("the compiler broke")

    with pytest.raises(RuntimeError):
        cache.lookup_or_make("e", broken)
    assert cache.lookup_or_make("e", make) == (Build(output="build 4"), True)  # not waiting


def test_the_directory_keeps_builds_across_caches(tmp_path):
    build = Build(
        files={"main": (0o755, bytes(range(256))), "pkg/A.class": (0o644, b"\xca\xfe")},
        output="note: something",
        compile_s=0.25,
    )
    first = CompileCache(tmp_path)
    assert first.lookup("ab" * 32) is None
    first.store("ab" * 32, build)
    failed = Build(output="error: nope", compile_s=0.1, failed=True)
    assert first.lookup("cd" * 32) is None
    first.store("cd" * 32, failed)
    second = CompileCache(tmp_path)
    assert second.lookup("ab" * 32) == build
    assert second.lookup("cd" * 32) == failed
    assert (second.hits, second.misses) == (2, 0)


def test_a_damaged_entry_is_compiled_again(tmp_path):
    cache = CompileCache(tmp_path)
    assert cache.lookup("ef" * 32) is None
    cache.store("ef" * 32, Build(files={"main": (0o755, b"x")}))
    (tmp_path / "ef" / ("ef" * 32) / "0.bin").unlink()
    assert CompileCache(tmp_path).lookup("ef" * 32) is None


# -- real compilers, both backends -------------------------------------------------------
@pytest.fixture(params=["process", "docker"])
def make_sandbox(request, tmp_path):
    """A factory of fresh sandboxes of one backend, closed after the test."""
    opened = []

    def make(**config):
        if request.param == "docker":
            client = request.getfixturevalue("docker_client")
            image = request.getfixturevalue("host_image")
            sandbox = DockerSandbox(
                images=ImageConfig.host(image), client=client, limits=LIMITS, **config
            )
        else:
            sandbox = ProcessSandbox(limits=LIMITS, **config)
        opened.append(sandbox)
        return sandbox

    yield make
    for sandbox in opened:
        sandbox.close()


def comparable(result):
    return (
        result.status,
        result.compile_output,
        [(t.status, t.exit_code, t.stdout_tail, t.stderr_tail) for t in result.tests],
    )


def test_a_source_compiles_once_and_gives_the_same_result(make_sandbox):
    sandbox = make_sandbox(workers=2)
    warned = Program("Cpp", '#include <cstdio>\nint main(){ int unused_x; printf("%d\\n", 42); }\n')
    tests = [TestCase("", "42\n"), TestCase("", "41\n")]
    results = [sandbox.run(warned, tests) for _ in range(3)]
    assert results[0].status is Status.WRONG_ANSWER
    assert {str(comparable(r)) for r in results} == {str(comparable(results[0]))}
    assert (sandbox.compile_cache.hits, sandbox.compile_cache.misses) == (2, 1)
    cold = make_sandbox(workers=1, compile_cache=False)
    assert comparable(cold.run(warned, tests)) == comparable(results[0])
    assert cold.compile_cache is None


def test_compile_errors_are_cached_with_their_diagnostics(make_sandbox):
    sandbox = make_sandbox(workers=1)
    broken = Program("Cpp", "int main(){ return undeclared; }\n")
    first, second = sandbox.run(broken), sandbox.run(broken)
    assert first.status is second.status is Status.COMPILE_ERROR
    assert "undeclared" in first.compile_output
    assert second.compile_output == first.compile_output
    assert sandbox.compile_cache.hits == 1


def test_jobs_started_together_share_one_compile(make_sandbox):
    sandbox = make_sandbox(workers=2)
    from sandbox import Job

    jobs = [Job(Program("Cpp", HELLO_CPP), (TestCase("", "hello\n"),)) for _ in range(4)]
    results = sandbox.run_many(jobs, progress=False)
    assert [r.status for r in results] == [Status.OK] * 4
    assert sandbox.compile_cache.misses == 1


def test_a_hanging_compile_is_not_cached_and_the_next_job_compiles(make_sandbox):
    sandbox = make_sandbox(workers=1)
    hang = Program(
        "C",
        "#define A(x) x x x x x x x x x x\n#define B(x) A(A(A(A(A(x)))))\n"
        "int main(void){ B(B(B(;))) return 0; }\n",
    )
    short = Limits(time_s=2.0, compile_time_s=2.0)
    for attempt in range(2):  # a deadline depends on the load: never a cached verdict
        assert sandbox.run(hang, limits=short).status is Status.COMPILE_ERROR
        assert sandbox.compile_cache.misses == attempt + 1
    after = sandbox.run(Program("Cpp", HELLO_CPP), [TestCase("", "hello\n")])
    assert after.status is Status.OK, after.compile_output


def test_a_program_that_overwrites_its_build_does_not_poison_the_cache(make_sandbox):
    # In Docker the job shares the supervisor's uid, so it can chmod the sealed binary
    # and rewrite it; the cached build was taken before any program ran.
    sandbox = make_sandbox(workers=1)
    tamper = Program(
        "C",
        "#include <stdio.h>\n#include <sys/stat.h>\n"
        'int main(int c, char **v){ puts("clean"); chmod(v[0], 0755);\n'
        '  FILE *f = fopen(v[0], "w"); if (f) { fputs("#!/bin/sh\\necho pwned\\n", f);'
        " fclose(f); } return 0; }\n",
    )
    tests = [TestCase("", "clean\n")] * 2
    for _ in range(2):
        result = sandbox.run(tamper, tests)
        assert result.status is Status.OK, result.tests
    assert sandbox.compile_cache.hits == 1


def test_no_job_can_see_the_cache_directory_or_another_jobs_build(make_sandbox, tmp_path):
    directory = tmp_path / "builds"
    sandbox = make_sandbox(workers=1, compile_cache_dir=str(directory))
    assert sandbox.run(Program("Cpp", HELLO_CPP), [TestCase("", "hello\n")]).passed
    assert any(directory.rglob("manifest.json"))
    snoop = Program(
        "Python",
        "import os, sys\n"
        f"print(os.path.exists({str(directory)!r}))\n"
        "found = [os.path.join(d, f) for top in ('/tmp', '/var/tmp', '/dev/shm')\n"
        "         for d, _, fs in os.walk(top) for f in fs if f == 'main']\n"
        "print(found)\n",
    )
    result = sandbox.run(snoop)
    assert result.status is Status.OK, result.tests
    assert result.stdout_tail.split("\n")[:2] == ["False", "[]"]


def test_a_rerun_with_the_directory_compiles_nothing(make_sandbox, tmp_path):
    program = Program("Cpp", HELLO_CPP)
    first = make_sandbox(workers=1, compile_cache_dir=str(tmp_path))
    expected = comparable(first.run(program, [TestCase("", "hello\n")]))
    rerun = make_sandbox(workers=1, compile_cache_dir=str(tmp_path))
    assert comparable(rerun.run(program, [TestCase("", "hello\n")])) == expected
    assert (rerun.compile_cache.hits, rerun.compile_cache.misses) == (1, 0)


def test_a_build_slower_than_the_jobs_compile_limit_is_not_reused(make_sandbox):
    # A cold compile under that limit could have been stopped: the job compiles itself.
    sandbox = make_sandbox(workers=1)
    first = sandbox.run(Program("Cpp", HELLO_CPP), [TestCase("", "hello\n")])
    assert first.passed
    tight = Limits(compile_time_s=first.compile_s / 2)
    second = sandbox.run(Program("Cpp", HELLO_CPP), [TestCase("", "hello\n")], limits=tight)
    assert second.compile_s != first.compile_s  # measured anew: compiled again
    assert sandbox.run(Program("Cpp", HELLO_CPP), [TestCase("", "hello\n")]).passed
