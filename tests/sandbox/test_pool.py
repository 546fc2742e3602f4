"""The pool's fast path for compiled languages: warm compilers and the compile cache.

The fast path must change nothing but speed: the same verdicts, outputs and diagnostics as
a cold compile per program, on every HumanEval-X problem of C++ and Java (canonical and
wrong-body programs; a wrong body that leaves a C++ function open is a compile error, so
diagnostics are compared too), and the same verdicts and diagnostics on Go's (CodeGeeX's
file when CODEPREF_HUMANEVAL_X_DIR names it, else the two bundled Go rows). And a warm
compiler is untrusted input's first reader: a compile that runs away is a COMPILE_ERROR,
the compiler is replaced, and the next compile gives the right answer.
"""

from __future__ import annotations

import dataclasses
import os
import zlib
from pathlib import Path

import pytest

from curation.readers.tables import iter_rows
from curation.samples import load_samples
from sandbox import HARNESS, DockerSandbox, Job, Limits, ProcessSandbox, Program, Status, TestCase
from sandbox.images import ImageConfig
from sandbox.runners import runner_for
from tests.fixtures.humaneval_x import FLAKY
from tests.sandbox.test_humaneval_x import FIXTURE_ROWS, FULL, STRIDE, jobs_for

LIMITS = Limits(time_s=10.0, memory_mb=512, compile_time_s=60.0)


def open_backend(request, backend: str, **config):
    if backend == "docker":
        client = request.getfixturevalue("docker_client")
        image = request.getfixturevalue("host_image")
        return DockerSandbox(images=ImageConfig.host(image), client=client, **config)
    return ProcessSandbox(**config)


def comparable(result, outputs: bool = True):
    """What must not change between the cold and the fast path: the verdict of the program
    and of each test, the compiler's words and, with ``outputs``, what each test printed."""
    return (
        result.status.value,
        result.compile_output,
        [
            (t.status.value, t.exit_code, *((t.stdout_tail, t.stderr_tail) if outputs else ()))
            for t in result.tests
        ],
    )


def assert_fast_gives_cold(request, backend: str, rows: list[dict], outputs: bool = True) -> list:
    """Run the canonical and wrong-body program of each row cold, then twice on the fast
    path (compile, then cache hits): every result the same. The cold results."""
    ids, good, bad = jobs_for(rows)
    jobs = good + bad
    with open_backend(
        request, backend, workers=2, compile_cache=False, warm_compilers=False
    ) as cold:
        expected = [comparable(r, outputs) for r in cold.run_many(jobs, progress=False)]
    with open_backend(request, backend, workers=2) as fast:
        first = [comparable(r, outputs) for r in fast.run_many(jobs, progress=False)]
        second = [comparable(r, outputs) for r in fast.run_many(jobs, progress=False)]  # hits
        assert fast.compile_cache.hits >= len(jobs)
    task_ids = ids + [f"{task} (wrong body)" for task in ids]
    for label, seen in (("first pass", first), ("second pass", second)):
        differing = {
            task: (want, got)
            for task, want, got in zip(task_ids, expected, seen, strict=True)
            if want != got
        }
        assert differing == {}, label
    # The comparison is not vacuous: canonical programs pass, wrong bodies fail.
    assert [status for status, _, _ in expected[len(ids) :]].count("OK") == 0
    return expected[: len(ids)]


@pytest.fixture(params=["process", "docker"])
def fast(request):
    with open_backend(request, request.param, workers=2, limits=LIMITS) as sandbox:
        yield sandbox


@pytest.mark.slow
@pytest.mark.parametrize("language", ["Cpp", "Java"])
@pytest.mark.parametrize("backend", ["process", "docker"])
def test_the_fast_path_gives_the_cold_verdicts_on_all_humaneval_x(
    request, shared_data, language, backend
):
    """All 164 problems under ``make conformance`` (CODEPREF_FULL_CONFORMANCE=1); every 8th
    in the suite, whose time budget the full comparison (15 minutes) would take."""
    name = {"Cpp": "cpp", "Java": "java"}[language]
    rows = list(iter_rows(shared_data / "humaneval-x" / f"{name}.jsonl.gz"))
    assert len(rows) == 164
    canonical = assert_fast_gives_cold(request, backend, rows[:: 1 if FULL else STRIDE[language]])
    assert sum(status == "OK" for status, _, _ in canonical) >= len(canonical) - 4


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["process", "docker"])
def test_the_go_fast_path_gives_the_cold_verdicts_on_humaneval_x(request, backend):
    """Go's fast path links without DWARF: on CodeGeeX's Go file (every 8th problem, all
    164 under ``make conformance``) when CODEPREF_HUMANEVAL_X_DIR names it, else on the
    two bundled Go rows. Verdicts, exit codes and diagnostics; not what failing tests
    print, which changes from run to run (Go/38's test prints random strings, a panic's
    stack heap addresses, testify the job's work dir, testing each test's duration)."""
    directory = os.environ.get("CODEPREF_HUMANEVAL_X_DIR")
    path = Path(directory or ".") / "humaneval_go.jsonl.gz"
    if directory and path.exists():
        rows = list(iter_rows(path))[:: 1 if FULL else STRIDE["Go"]]
        # A canonical whose verdict changes from run to run cannot be compared across paths.
        rows = [row for row in rows if row["task_id"] not in FLAKY]
    else:
        rows = [row for row in iter_rows(FIXTURE_ROWS) if row["task_id"].startswith("Go/")]
    canonical = assert_fast_gives_cold(request, backend, rows, outputs=False)
    assert sum(status == "OK" for status, _, _ in canonical) >= len(canonical) - 1


CSHARP_WARNS = 'class P { static void Main() { int x = 1; System.Console.WriteLine("hi"); } }\n'
CSHARP_FAILS = "class P { static void Main() { System.Console.WriteLine(missing); } }\n"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["process", "docker"])
def test_the_csharp_warm_compiler_gives_the_commands_results(
    request, backend, tmp_path, monkeypatch
):
    """mcs in a long-lived Mono (sandbox/compilers/CompileServer.cs) on the bundled C#
    samples, a program that warns and one that fails: the verdicts, outputs and compiler
    words of the mcs command, summary line included. The server is built once per
    toolchain and kept: a second sandbox finds it."""
    monkeypatch.setattr("sandbox.pool.cache_dir", lambda: tmp_path)
    problems, solutions = load_samples(("CSharp",))
    tests = {problem.id: problem.tests for problem in problems}
    jobs = [Job(Program("CSharp", s.code), tests[s.problem_id]) for s in solutions]
    jobs += [
        Job(Program("CSharp", CSHARP_WARNS), (TestCase("", "hi\n"),)),
        Job(Program("CSharp", CSHARP_FAILS), (TestCase("", ""),)),
    ]
    with open_backend(
        request, backend, workers=2, compile_cache=False, warm_compilers=False
    ) as cold:
        expected = [comparable(r) for r in cold.run_many(jobs, progress=False)]
    with open_backend(request, backend, workers=2) as fast:
        assert [comparable(r) for r in fast.run_many(jobs, progress=False)] == expected
    warned, failed = expected[-2:]
    assert warned[0] == "OK" and warned[1].endswith("Compilation succeeded - 1 warning(s)\n")
    assert failed[0] == "COMPILE_ERROR" and "error CS0103" in failed[1]
    assert [status for status, _, _ in expected].count("OK") >= len(solutions) // 2
    with open_backend(request, backend, workers=1) as second:
        assert second.run(Program("CSharp", CSHARP_WARNS)).status is Status.OK
        assert second.seed_store.hits == 1  # the built server, handed over


def test_a_warm_mcs_that_cannot_answer_leaves_the_compile_to_the_command(tmp_path, monkeypatch):
    """A Mono without the mcs types the server needs (here: it looks for another file)
    answers every request "unanswered" (125); each job then compiles with the mcs command
    and gets its results, warnings included, never a compile error of the server's."""
    monkeypatch.setattr("sandbox.pool.cache_dir", lambda: tmp_path)
    csharp = runner_for("CSharp")
    [(name, source)] = csharp.warm_files.items()
    broken = dataclasses.replace(
        csharp, warm_files={name: source.replace('"mcs.exe"', '"no-such-mcs.exe"')}
    )
    monkeypatch.setattr(
        "sandbox.worker.runner_for", lambda language: broken if language == "CSharp" else None
    )
    with ProcessSandbox(workers=1, limits=LIMITS) as sandbox:
        result = sandbox.run(Program("CSharp", CSHARP_WARNS), [TestCase("", "hi\n")])
        failed = sandbox.run(Program("CSharp", CSHARP_FAILS))
    assert result.status is Status.OK
    assert result.compile_output.endswith("Compilation succeeded - 1 warning(s)\n")
    assert failed.status is Status.COMPILE_ERROR and "error CS0103" in failed.compile_output


HELLO_JAVA = (
    'public class Hi { public static void main(String[] a){ System.out.println("hi"); } }\n'
)


def test_a_compile_past_its_deadline_is_a_compile_error_and_the_next_compiles(fast):
    # 20,000 methods: seconds of javac, far past a tenth of a second.
    methods = "".join(f"  static int m{i}(int x) {{ return x + {i}; }}\n" for i in range(20000))
    huge = Program(
        "Java", f"public class Big {{\n{methods}  public static void main(String[] a){{}}\n}}\n"
    )
    result = fast.run(huge, limits=Limits(compile_time_s=0.1))
    assert result.status is Status.COMPILE_ERROR
    assert "compilation exceeded 0.1s" in result.compile_output
    after = fast.run(Program("Java", HELLO_JAVA), [TestCase("", "hi\n")])
    assert after.status is Status.OK, after.compile_output
    # A timed-out compile is never cached: the same source is compiled (and stopped) again.
    misses = fast.compile_cache.misses
    assert fast.run(huge, limits=Limits(compile_time_s=0.1)).status is Status.COMPILE_ERROR
    assert fast.compile_cache.misses == misses + 1


def test_a_csharp_compile_past_its_deadline_is_a_compile_error_and_the_next_compiles(fast):
    methods = "".join(f"  static int M{i}(int x) {{ return x + {i}; }}\n" for i in range(20000))
    huge = Program("CSharp", f"class Big {{\n{methods}  static void Main() {{}}\n}}\n")
    result = fast.run(huge, limits=Limits(compile_time_s=0.1))
    assert result.status is Status.COMPILE_ERROR
    assert "compilation exceeded 0.1s" in result.compile_output
    # the killed server is replaced, and the next answer is still the command's
    after = fast.run(Program("CSharp", CSHARP_WARNS), [TestCase("", "hi\n")])
    assert after.status is Status.OK
    assert after.compile_output.endswith("Compilation succeeded - 1 warning(s)\n")


def test_a_compile_that_explodes_leaves_the_next_compile_right(fast):
    # javac's parser recurses per operand: a stack overflow inside the warm compiler.
    deep = "+".join(["1"] * 20000)
    exploding = Program(
        "Java",
        f"public class Deep {{ static final int X = {deep};\n"
        "  public static void main(String[] a) {}\n}\n",
    )
    assert fast.run(exploding).status is Status.COMPILE_ERROR
    broken = Program("Java", "public class B { int f() { return missing; } }\n")
    result = fast.run(broken)
    assert result.status is Status.COMPILE_ERROR
    assert result.compile_output.startswith("B.java:1: error: cannot find symbol")
    after = fast.run(Program("Java", HELLO_JAVA), [TestCase("", "hi\n")])
    assert after.status is Status.OK, after.compile_output


def test_a_program_sees_nothing_of_another_programs_compile(fast):
    # The warm compiler lives in a compile worker: a program lists every writable place
    # of its own worker and finds its own build only, not the compiler's files.
    fast.run(Program("Java", HELLO_JAVA.replace("Hi", "Other")), [TestCase("", "hi\n")])
    lister = Program(
        "Java",
        "import java.io.File;\npublic class Lister {\n"
        "  static void walk(File f) { File[] all = f.listFiles();\n"
        "    if (all == null) return;\n"
        "    for (File c : all) {\n"
        "      if (c.isDirectory()) walk(c); else System.out.println(c.getName()); } }\n"
        "  public static void main(String[] a) {\n"
        '    for (String d : new String[]{"/tmp", "/var/tmp", "/dev/shm"}) walk(new File(d)); }\n'
        "}\n",
    )
    result = fast.run(lister)
    assert result.status is Status.OK, result.compile_output
    assert sorted(result.stdout_tail.split()) == ["Lister.class", "Lister.java"]


GO_TEST = """package main

import (
\t"testing"

\t"github.com/stretchr/testify/assert"
)

const marker = "{marker}"

func TestMarker(t *testing.T) {{
\tassert.True(t, len(marker) > 20)
}}
"""


@pytest.mark.slow
def test_a_seeded_go_build_cache_is_made_once_and_holds_no_jobs_compile(tmp_path, monkeypatch):
    """The first worker that compiles Go makes the seed (its compile of the sandbox's own
    seed program, before the job's), a later sandbox only hands it to its workers, and the
    programs compile and pass with it; nothing a job compiled is in the kept seed."""
    monkeypatch.setattr("sandbox.pool.cache_dir", lambda: tmp_path)
    jobs = [
        Job(Program("Go", GO_TEST.format(marker=f"job-{n}-compiled-marker!!")), (HARNESS,))
        for n in (1, 2)
    ]
    with ProcessSandbox(workers=1, limits=LIMITS) as first:
        assert [r.status for r in first.run_many(jobs[:1], progress=False)] == [Status.OK]
        assert first.seed_store.hits == 0
    entries = [path for path in (tmp_path / "seeds").rglob("*") if path.is_file()]
    assert len([path for path in entries if path.name == "manifest.json"]) == 1
    kept = b"".join(zlib.decompress(path.read_bytes()) for path in entries if path.suffix == ".bin")
    assert len(kept) > 5_000_000  # the compiled standard library and testify
    assert b"compiled-marker" not in kept
    with ProcessSandbox(workers=1, limits=LIMITS) as second:
        results = second.run_many(jobs[1:], progress=False)
        assert [r.status for r in results] == [Status.OK]
        assert second.seed_store.hits == 1  # handed over, not made again
