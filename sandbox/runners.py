"""How each of the 8 languages is compiled and run: one recipe per language, in one table.

A recipe is data (file name, compile and run argv, environment) plus, for Java, one small
function that finds the class name the file must be named after. Commands are argv lists
resolved on ``PATH`` inside the sandbox, so the same recipe runs against the offline host
image, an official language image or the host itself (process backend). Compilation
happens once per program; every test case then runs the same binary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from curation.languages import normalize_language

from .api import Program

PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class Runner:
    """The compile-and-run recipe of one language.

    ``{stem}`` in an argv stands for the source file name without its extension (the Java
    class name). ``memory_markers`` are stderr phrases by which a runtime reports running
    out of memory on its own (a JVM heap, V8, Python's ``MemoryError``) before the cgroup
    kills it; they turn a non-zero exit into ``MEMORY_LIMIT`` rather than
    ``RUNTIME_ERROR``. ``address_space_limit`` says whether ``RLIMIT_AS`` is a usable
    fallback memory limit: runtimes that reserve huge virtual ranges (JVM, Go, V8, Mono)
    cannot start under it, so for them only a cgroup limits memory.
    """

    language: str
    extension: str
    run: tuple[str, ...]
    compile: tuple[str, ...] | None = None
    # Used instead of ``compile`` when the stem marks a test file (Go's ``*_test.go``).
    test_compile: tuple[str, ...] | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    memory_markers: tuple[str, ...] = ()
    address_space_limit: bool = True
    stem: Callable[[str], str] = lambda source: "main"
    # A build cache the compiler keeps between programs: the supervisor restores it for the
    # compilation only and holds it in memory while programs run.
    cache: str | None = None
    # Files written next to every program of the language (a preload module).
    support: Mapping[str, str] = field(default_factory=dict)
    # The command that prints the compiler's version: part of the compile cache key.
    version: tuple[str, ...] | None = None
    # A warm compiler: a long-lived process started by this argv (with ``warm_files``
    # beside the program) that takes the compile argv, less its launcher options ("-J..."),
    # one request at a time and answers what the compile command would (see
    # sandbox/compilers/). It runs in a compile worker that never runs programs.
    warm_compiler: tuple[str, ...] | None = None
    warm_files: Mapping[str, str] = field(default_factory=dict)
    # The command that builds the warm compiler from ``warm_files`` (C#: mcs compiles the
    # server): run once per toolchain, its artefacts kept with the seeds and written
    # beside each program instead of the sources.
    warm_build: tuple[str, ...] | None = None
    # How a precompiled header (sandbox/precompiled_headers.py) is made from
    # ``codepref-pch.h``: the compile's own flags, so that the compile may use it.
    precompile: tuple[str, ...] | None = None
    # Options the fast path adds to every compile: how the program is linked, never what it
    # does. A fast compile that says anything is done again as the plain one.
    fast_link: tuple[str, ...] = ()
    # The sandbox's own program whose compile fills ``cache`` with what programs of the
    # language import: compiled once per toolchain, kept across runs, and handed to each
    # worker on the fast path before its first compile (see Worker._seed_build_cache).
    seed: str | None = None

    def source_name(self, source: str) -> str:
        return self.stem(source) + self.extension

    def files(self, program: Program) -> dict[str, str]:
        """The files to write into the work dir: the extra files, then the source."""
        for name in program.files:
            parts = PurePosixPath(name).parts
            if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
                raise ValueError(f"extra file {name!r} must be a relative path inside the work dir")
        return {**self.support, **program.files, self.source_name(program.source): program.source}

    def compile_argv(
        self, source: str, header: str | None = None, fast: bool = False
    ) -> list[str] | None:
        """The compile command; ``fast`` adds the fast path's link options (before the
        source), ``header`` a precompiled header read first."""
        argv = self.compile
        if self.test_compile is not None and self.stem(source).endswith("_test"):
            argv = self.test_compile
        if argv is None:
            return None
        if fast and self.fast_link:
            at = argv.index("{src}")
            argv = (*argv[:at], *self.fast_link, *argv[at:])
        expanded = self._expand(argv, source)
        if header is not None:
            expanded[1:1] = ["-include", header]
        return expanded

    def warm_request(self, source: str) -> list[str] | None:
        """The compile argv as the warm compiler takes it: no program name, no launcher
        options."""
        argv = self.compile_argv(source)
        if argv is None or self.warm_compiler is None:
            return None
        return [part for part in argv[1:] if not part.startswith("-J")]

    def run_argv(self, source: str) -> list[str]:
        return self._expand(self.run, source)

    def environment(self, workdir: str) -> dict[str, str]:
        base = {"PATH": PATH, "HOME": workdir, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        return {**base, **{k: v.format(workdir=workdir) for k, v in self.env.items()}}

    def _expand(self, argv: tuple[str, ...], source: str) -> list[str]:
        stem = self.stem(source)
        return [part.format(stem=stem, src=stem + self.extension) for part in argv]


_JAVA_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_JAVA_STRINGS = re.compile(r'"(?:\\.|[^"\\\n])*"')
_JAVA_PUBLIC_CLASS = re.compile(
    r"\bpublic\s+(?:(?:final|abstract|static|sealed|strictfp)\s+)*(?:class|interface|enum|record)"
    r"\s+([A-Za-z_$][\w$]*)"
)
_JAVA_CLASS = re.compile(r"\b(?:class|interface|enum|record)\s+([A-Za-z_$][\w$]*)")
_JAVA_MAIN = re.compile(r"\bstatic\s+(?:final\s+)?void\s+main\s*\(")


def java_class_name(source: str) -> str:
    """The name a Java source file must carry: its public top-level class, else the class
    that declares ``main``, else ``Main``.

    javac rejects a file whose public class differs from the file name, and ``java`` needs
    the class holding ``main``; HumanEval-X puts ``public class Main`` after a non-public
    ``class Solution``. Comments and string literals are blanked first so that a class
    name inside a docstring does not count.
    """
    code = _JAVA_STRINGS.sub('""', _JAVA_COMMENTS.sub(" ", source))
    public = _JAVA_PUBLIC_CLASS.search(code)
    if public:
        return public.group(1)
    main = _JAVA_MAIN.search(code)
    if main:
        before = [m.group(1) for m in _JAVA_CLASS.finditer(code, 0, main.start())]
        if before:
            return before[-1]
    return "Main"


COMPILERS = Path(__file__).resolve().parent / "compilers"
# The C++ compile flags, shared by the compile and its precompiled headers: a PCH made
# with other flags would be ignored (or, for some, change the program).
_CPP_FLAGS = ("-O2", "-std=c++17", "-pipe")
_NATIVE_OOM = ("std::bad_alloc", "Cannot allocate memory", "out of memory")
_GO_TEST = re.compile(r"^func\s+Test\w*\s*\(\s*\w+\s+\*testing\.T\s*\)", re.MULTILINE)


def go_file_stem(source: str) -> str:
    """``main_test`` for a Go test file (HumanEval-X's ``func TestX(t *testing.T)``, which
    only ``go test`` runs), else ``main``."""
    return "main_test" if _GO_TEST.search(source) else "main"


# What HumanEval-X's Go programs import (testify pulls in net/http, reflect, encoding/json,
# regexp and yaml): about 13 CPU seconds of compiling for a worker whose build cache is empty.
GO_SEED = """\
package main

import (
	_ "bytes"
	_ "crypto/md5"
	_ "fmt"
	_ "math"
	_ "math/rand"
	_ "regexp"
	_ "sort"
	_ "strconv"
	_ "strings"
	"testing"
	_ "time"
	_ "unicode"

	_ "github.com/stretchr/testify/assert"
)

func TestSeed(t *testing.T) {}
"""

# node's console.assert only prints on failure and the process still exits 0: preloaded,
# this makes a failed assert fail the run, with node's own message on stderr.
NODE_ASSERT_PRELOAD = """\
"use strict";
const print = console.assert.bind(console);
let failed = false;
console.assert = (value, ...message) => {
  if (!value) {
    failed = true;
    print(value, ...message);
  }
};
process.on("exit", () => {
  if (failed) process.exitCode = 1;
});
"""
# HumanEval-X's reference harness installs the js-md5 package from npm for one problem;
# offline, node's own crypto gives the same digest.
NODE_JS_MD5 = """\
"use strict";
module.exports = (text) => require("crypto").createHash("md5").update(text).digest("hex");
"""

RUNNERS: dict[str, Runner] = {
    runner.language: runner
    for runner in (
        Runner(
            language="C",
            extension=".c",
            compile=("gcc", "-O2", "-std=gnu17", "-pipe", "-o", "main", "{src}", "-lm"),
            version=("gcc", "--version"),
            run=("./main",),
            memory_markers=_NATIVE_OOM,
        ),
        Runner(
            language="Cpp",
            extension=".cpp",
            # libcrypto: HumanEval-X (like its reference harness) links OpenSSL's MD5.
            compile=("g++", *_CPP_FLAGS, "-o", "main", "{src}", "-lcrypto"),
            precompile=(
                "g++",
                *_CPP_FLAGS,
                "-x",
                "c++-header",
                "-o",
                "codepref-pch.h.gch",
                "codepref-pch.h",
            ),
            # gold links a HumanEval-X program in ~28 ms, GNU ld in ~60 (of a ~200 ms compile
            # with its header); the 164 programs build and answer identically with either.
            fast_link=("-fuse-ld=gold",),
            version=("g++", "--version"),
            run=("./main",),
            memory_markers=_NATIVE_OOM,
        ),
        Runner(
            language="CSharp",
            extension=".cs",
            compile=(
                "mcs",
                "-optimize+",
                "-nologo",
                "-r:System.Numerics.dll",
                "-r:System.Core.dll",
                "-out:main.exe",
                "{src}",
            ),
            run=("mono", "main.exe"),
            version=("mcs", "--version"),
            # The same mcs, warm: Mono's start-up and the JIT of the compiler (about four
            # fifths of a small program's compile) are paid once per compile worker. The
            # server itself is built once per toolchain and kept (see Runner.warm_build).
            warm_compiler=("mono", ".codepref/CompileServer.exe"),
            warm_files={".codepref/CompileServer.cs": (COMPILERS / "CompileServer.cs").read_text()},
            warm_build=(
                "mcs",
                "-nologo",
                "-out:.codepref/CompileServer.exe",
                ".codepref/CompileServer.cs",
            ),
            env={"MONO_GC_PARAMS": "max-heap-size=0"},
            memory_markers=("OutOfMemoryException", "Out of memory"),
            address_space_limit=False,
        ),
        Runner(
            language="Go",
            extension=".go",
            compile=("go", "build", "-o", "main", "{src}"),
            # A test file (HumanEval-X) is built by go test into a binary that runs its
            # tests and exits 1 when one fails.
            test_compile=("go", "test", "-c", "-o", "main", "{src}"),
            # No DWARF: a HumanEval-X test binary (testify pulls in net/http) links in ~170
            # ms instead of ~285. Stack traces and runtime.Caller read the pclntab, not DWARF.
            fast_link=("-ldflags=-w",),
            run=("./main",),
            # GOPATH mode over the distribution's packages (testify lives there); the
            # build cache is kept by the supervisor for the compilations of one worker
            # and is never on disk while a program runs; nothing is ever downloaded.
            env={
                "GO111MODULE": "off",
                "GOPATH": "/usr/share/gocode",
                "GOCACHE": "/tmp/.gocache",
                "GOPROXY": "off",
                "GOFLAGS": "",
                "CGO_ENABLED": "0",
                "GOTOOLCHAIN": "local",
            },
            memory_markers=("runtime: out of memory", "fatal error: out of memory"),
            address_space_limit=False,
            stem=go_file_stem,
            cache="/tmp/.gocache",
            seed=GO_SEED,
            version=("go", "version"),
        ),
        Runner(
            language="Java",
            extension=".java",
            # javac is itself a JVM: C1 only and the serial GC start it ~20% faster, and
            # without the perf-data file ~10% more. No annotation processing: no code of
            # the program (or of its extra files) runs while it compiles.
            compile=(
                "javac",
                "-J-XX:TieredStopAtLevel=1",
                "-J-XX:+UseSerialGC",
                "-J-XX:-UsePerfData",
                "-J-Xshare:auto",
                "-proc:none",
                "-nowarn",
                "-encoding",
                "UTF-8",
                "-d",
                ".",
                "{src}",
            ),
            run=(
                "java",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-XX:MaxRAMPercentage=80",
                "-Xss64m",
                "-cp",
                ".",
                "{stem}",
            ),
            memory_markers=("java.lang.OutOfMemoryError",),
            address_space_limit=False,
            stem=java_class_name,
            version=("javac", "-version"),
            # The same javac, warm: its start-up and JIT warm-up (most of a compile) are
            # paid once per compile worker.
            warm_compiler=(
                "java",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                ".codepref/CompileServer.java",
            ),
            warm_files={
                ".codepref/CompileServer.java": (COMPILERS / "CompileServer.java").read_text()
            },
        ),
        Runner(
            language="JavaScript",
            extension=".js",
            run=("node", "--require", "./codepref-assert.js", "{src}"),
            support={
                "codepref-assert.js": NODE_ASSERT_PRELOAD,
                "node_modules/js-md5/index.js": NODE_JS_MD5,
            },
            memory_markers=("heap out of memory", "Allocation failed"),
            address_space_limit=False,
        ),
        Runner(
            language="Python",
            extension=".py",
            run=("python3", "-u", "{src}"),
            env={"PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"},
            memory_markers=("MemoryError",),
        ),
        Runner(
            language="Ruby",
            extension=".rb",
            run=("ruby", "{src}"),
            memory_markers=("NoMemoryError", "failed to allocate memory"),
        ),
    )
}


HELLO_WORLD: dict[str, str] = {
    "C": '#include <stdio.h>\nint main(void){ puts("hello"); return 0; }\n',
    "CSharp": 'class P { static void Main(){ System.Console.WriteLine("hello"); } }\n',
    "Cpp": '#include <iostream>\nint main(){ std::cout << "hello" << std::endl; }\n',
    "Go": 'package main\nimport "fmt"\nfunc main(){ fmt.Println("hello") }\n',
    "Java": (
        "public class Hello {\n"
        '  public static void main(String[] a){ System.out.println("hello"); }\n}\n'
    ),
    "JavaScript": 'console.log("hello");\n',
    "Python": 'print("hello")\n',
    "Ruby": 'puts "hello"\n',
}
"""A program per language that prints ``hello``: the smallest check that a toolchain works
(``codepref sandbox check``, the benchmark, the tests)."""


def runner_for(language: str) -> Runner:
    """The recipe for a canonical language name or any alias (``C#``, ``c++``, ``js``)."""
    return RUNNERS[normalize_language(language)]
