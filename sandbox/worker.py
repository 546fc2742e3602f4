"""One sandbox worker: a supervisor reached over a JSON-lines channel, plus its cgroup.

Both backends are pools of these. The backend decides how the supervisor is isolated (a
container, or namespaces on the host) and how it is reached (a Unix socket it connects to,
or its stdin/stdout pipes); everything after that — writing the files, compiling once,
running each test, measuring, deciding the verdict — is here, so the two backends give
the same answers.
"""

from __future__ import annotations

import itertools
import json
import logging
import select
import time
from collections.abc import Callable, Sequence

from .api import Comparison, Limits, Program, RunResult, Status, TestCase, TestOutcome
from .cgroups import Cgroup
from .compile_cache import Build, CompileCache, build_key
from .precompiled_headers import (
    HEADER_NAME,
    HeaderStore,
    PrecompiledHeader,
    leading_includes,
    packed,
)
from .runners import Runner, runner_for
from .verdicts import Observation, classify, tail

log = logging.getLogger(__name__)

MIB = 1 << 20
COMPILE_MEMORY_MB = 2048
COMPILE_OUTPUT_BYTES = 1 << 20
CHANNEL_GRACE_S = 15.0
# The compiler's --version answers in well under a second; the job's compile limit (which
# a test may set to a tenth of a second) is not its limit.
VERSION_TIME_S = 60.0
# Making a precompiled header or a seeded build cache is the sandbox's work, not the
# job's: their own limits.
HEADER_TIME_S = 120.0
SEED_TIME_S = 600.0
# How many programs must ask for a list of headers before its own PCH is made and held.
HOLD_AFTER = 3
SUPERVISOR_PIDS = 64
VALGRIND_SLOWDOWN = 100.0
# The work dir of a compile worker's warm compiler: kept (emptied) between compiles.
WARM_DIR = "warm"
# A warm compiler's exit code for a request it could not answer as the compile command
# would (an exception of its own, see sandbox/compilers/CompileServer.cs).
WARM_UNANSWERED = 125
_RESOURCE_VERDICTS = {Status.TIMEOUT, Status.MEMORY_LIMIT, Status.OUTPUT_LIMIT}


class WorkerError(RuntimeError):
    """The supervisor broke (died, hung, answered nonsense): the worker must be replaced."""


class Channel:
    """JSON lines to and from a supervisor. Subclasses provide the raw byte transport."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def fileno(self) -> int:
        raise NotImplementedError

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def read_chunk(self) -> bytes | None:
        """Bytes of the supervisor's stdout available now: b"" at end of stream, None when
        the transport delivered nothing complete yet."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def request(self, message: dict, timeout_s: float) -> dict:
        try:
            self.write(json.dumps(message).encode() + b"\n")
        except OSError as error:
            raise WorkerError(f"cannot reach the supervisor: {error}") from error
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerError(f"the supervisor did not answer within {timeout_s:.0f}s")
            ready, _, _ = select.select([self], [], [], remaining)
            if ready:
                chunk = self.read_chunk()
                if chunk == b"":
                    raise WorkerError("the supervisor exited: " + self.diagnostics())
                if chunk:
                    self._buffer += chunk
        line, _, rest = bytes(self._buffer).partition(b"\n")
        self._buffer = bytearray(rest)
        try:
            answer = json.loads(line)
        except ValueError as error:
            raise WorkerError(f"unreadable supervisor answer {line[:200]!r}") from error
        if "error" in answer:
            raise WorkerError(f"supervisor error: {answer['error']}")
        return answer

    def diagnostics(self) -> str:
        """What the supervisor wrote on stderr, for error messages."""
        return ""


class Worker:
    """A live supervisor that runs one program at a time."""

    def __init__(
        self,
        channel: Channel,
        *,
        backend: str,
        image: str = "",
        cgroup: Cgroup | None = None,
        count_instructions: bool = False,
        compile_cache: CompileCache | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.channel = channel
        self.compile_cache = compile_cache
        # Compiles in a warm compiler of a compile worker (set by the pool, see
        # WorkerPool.compile_warm): (build, cacheable).
        self.warm_compile: Callable[..., tuple[Build | None, bool]] | None = None
        # The fast path (set by the pool with warm compilers on): the runners' fast link
        # options, and precompiled headers from this store; the ones this worker's
        # supervisor holds.
        self.fast_path = False
        self.header_store: HeaderStore | None = None
        self._held_headers: set[str] = set()
        # Seeded build caches (see Runner.seed), kept across runs; the languages whose
        # seed this worker's supervisor holds (or has no use for).
        self.seed_store: CompileCache | None = None
        self._seeded: set[str] = set()
        # As a compile worker: the built warm compilers (Runner.warm_build) by language.
        self._warm_builds: dict[str, Build] = {}
        self.backend = backend
        self.image = image
        self.cgroup = cgroup
        self.count_instructions = count_instructions
        self._on_close = on_close
        self._jobs = itertools.count()
        self._home = "/tmp"
        self.channel.request({"op": "ping"}, CHANNEL_GRACE_S * 4)

    def close(self) -> None:
        try:
            self.channel.close()
        finally:
            if self._on_close is not None:
                self._on_close()

    # -- a whole program -----------------------------------------------------------------
    def execute(
        self,
        program: Program,
        tests: Sequence[TestCase],
        limits: Limits,
        comparison: Comparison,
    ) -> RunResult:
        """Write the files, compile once, run the tests in order against that build.

        Every test runs (so ``tests_passed`` counts them all) except after a TIMEOUT,
        MEMORY_LIMIT or OUTPUT_LIMIT: a program that exhausts a resource on one input
        would most likely do it again, and each further test would cost the full limit.
        """
        runner = runner_for(program.language)
        files = runner.files(program)
        key = self._cache_key(runner, program, files)
        build = self.compile_cache.lookup(key) if key is not None else None
        # A key missing from the cache is this job's to compile (others wait for it).
        owned = key is not None and build is None
        if build is not None and build.compile_s >= limits.compile_time_s:
            build = None  # it took longer than this job allows: compile it under its limit
        try:
            if build is None and self.warm_compile is not None and runner.warm_compiler:
                build, cacheable = self.warm_compile(runner, program, files, limits)
                if build is not None and key is not None and cacheable:
                    self.compile_cache.store(key, build)
            header = None
            if build is None and self.header_store is not None and runner.precompile:
                header = self._precompiled_header(runner, program)
            if build is None and self.seed_store is not None and runner.seed:
                self._seed_build_cache(runner)
            workdir = f"job{next(self._jobs)}"
            request = {"op": "write", "dir": workdir, "files": files}
            if build is not None and build.files:
                request["blobs"] = build.blobs()
            written = self.channel.request(request, CHANNEL_GRACE_S)
            self._home = written["dir"]
            if build is not None:
                return self._test_build(build, runner, program, tests, limits, comparison, workdir)
            return self._compile_and_test(
                runner, program, tests, limits, comparison, workdir, key, files, header
            )
        finally:
            if owned:
                self.compile_cache.abandon(key)  # a no-op once stored

    def compile_in_warm_compiler(
        self, runner: Runner, program: Program, files: dict[str, str], limits: Limits
    ) -> tuple[Build | None, bool]:
        """As a compile worker: compile ``program`` in this worker's warm compiler, under
        the limits of a compile, and hand back its build: (build, cacheable); no build
        when the warm compiler could not answer as the command would (the job then runs
        the command). Nothing of it stays here: the next compile's write empties the
        compiler's work dir."""
        assert runner.warm_compiler is not None
        request = runner.warm_request(program.source)
        assert request is not None
        # Beside the program: the warm compiler's sources, or its build when it has one.
        beside, blobs = dict(runner.warm_files), {}
        if runner.warm_build is not None:
            server = self._warm_compiler_build(runner)
            if server.failed:
                return None, False
            beside, blobs = {}, server.blobs()
        written = {**files, **beside}
        self.channel.request(
            {"op": "write", "dir": WARM_DIR, "files": written, "blobs": blobs}, CHANNEL_GRACE_S
        )
        seen = self._compile(runner, list(runner.warm_compiler), WARM_DIR, limits, ask=request)
        output = tail(seen["stderr"] + seen["stdout"])
        if self._exceeded(seen, limits):
            output += f"\ncompilation exceeded {limits.compile_time_s:g}s"
            return Build(output=output, compile_s=seen["wall_s"], failed=True), False
        if seen["exit_code"] == WARM_UNANSWERED:
            return None, False
        if seen["exit_code"] != 0:
            failed = Build(output=output, compile_s=seen["wall_s"], failed=True)
            return failed, seen["exit_code"] > 0 and not seen["oom_killed"]
        sealed = self.channel.request(
            {"op": "seal", "dir": WARM_DIR, "return": True}, CHANNEL_GRACE_S
        )
        kept_out = {*written, *blobs}
        return Build.from_sealed(sealed["sealed"], kept_out, output, seen["wall_s"]), True

    def writable_dirs(self) -> list[str]:
        """The directories the supervisor empties before every job and every test."""
        return self.channel.request({"op": "writable"}, CHANNEL_GRACE_S)["dirs"]

    def _compile_and_test(
        self,
        runner: Runner,
        program: Program,
        tests: Sequence[TestCase],
        limits: Limits,
        comparison: Comparison,
        workdir: str,
        key: str | None = None,
        files: dict[str, str] | None = None,
        header: PrecompiledHeader | None = None,
    ) -> RunResult:
        """Compile (when the language does), then run the tests; with a cache ``key``, a
        build the compiler finished on its own is kept for the next job of that key.

        On the fast path (a precompiled ``header``, the runner's fast link options), a
        compile that says anything (an error, a warning) is done again as the plain one: its
        diagnostics would name the header's file in their include chains, and a job gets
        the plain compile's own words."""
        compile_s = 0.0
        compile_output = ""
        argv = runner.compile_argv(program.source)
        if argv is not None:
            seen = None
            fast = runner.compile_argv(
                program.source, header.path if header else None, fast=self.fast_path
            )
            if fast != argv:
                cache = header.directory if header is not None else runner.cache
                seen = self._compile(runner, fast, workdir, limits, cache)
                said = seen["exit_code"] != 0 or seen["stderr"] or seen["stdout"]
                if said and not self._exceeded(seen, limits):
                    self.channel.request(
                        {"op": "write", "dir": workdir, "files": files or {}}, CHANNEL_GRACE_S
                    )
                    seen = None
            if seen is None:
                seen = self._compile(runner, argv, workdir, limits, runner.cache)
            compile_s = seen["wall_s"]
            compile_output = tail(seen["stderr"] + seen["stdout"])
            exceeded = self._exceeded(seen, limits)
            if exceeded or seen["exit_code"] != 0:
                if exceeded:
                    compile_output += f"\ncompilation exceeded {limits.compile_time_s:g}s"
                elif key is not None and seen["exit_code"] > 0 and not seen["oom_killed"]:
                    self.compile_cache.store(
                        key, Build(output=compile_output, compile_s=compile_s, failed=True)
                    )
                return self._result(Status.COMPILE_ERROR, (), compile_s, compile_output)
        # The build (or the source) is what every test starts from, and all it starts from.
        sealed = self.channel.request(
            {"op": "seal", "dir": workdir, "return": key is not None}, CHANNEL_GRACE_S
        )
        if key is not None:
            build = Build.from_sealed(sealed["sealed"], set(files or ()), compile_output, compile_s)
            self.compile_cache.store(key, build)
        return self._run_tests(
            runner, program, tests, limits, comparison, workdir, compile_s, compile_output
        )

    def _compile(
        self,
        runner: Runner,
        argv: list[str],
        workdir: str,
        limits: Limits,
        cache: str | None = None,
        ask: list[str] | None = None,
    ) -> dict:
        """Run a compiler (or hand ``ask`` to the warm one) under the compile limits."""
        return self._exec(
            runner,
            argv,
            workdir,
            "",
            time_s=limits.compile_time_s,
            memory_mb=max(COMPILE_MEMORY_MB, limits.memory_mb),
            output_bytes=COMPILE_OUTPUT_BYTES,
            pids=max(limits.pids, 256),
            cache=cache,
            ask=ask,
        )

    @staticmethod
    def _exceeded(seen: dict, limits: Limits) -> bool:
        # The deadline is wall-clock time and, on a starved machine, the CPU rlimit under
        # it: a compiler driver reports its killed cc1 as an internal error.
        return bool(seen["timed_out"] or seen["cpu_s"] >= limits.compile_time_s)

    # -- precompiled headers -----------------------------------------------------------------
    def _precompiled_header(self, runner: Runner, program: Program) -> PrecompiledHeader | None:
        """The PCH of the standard headers ``program`` includes first, held by this worker
        (made once per toolchain, handed to each worker once), or None: none applies, or
        the compiler would not make it.

        Handing a PCH to a worker costs about a compile's saving, so a list of headers
        gets its own PCH once programs have asked for it ``HOLD_AFTER`` times; before
        that, a PCH this worker holds for a shorter prefix of the list serves (any prefix
        of the leading standard includes reads the same tokens)."""
        headers = leading_includes(program.source)
        if not headers:
            return None
        header = PrecompiledHeader(headers)
        if header.directory in self._held_headers:
            return header
        assert self.header_store is not None
        if self.header_store.asked(headers) < HOLD_AFTER:
            for length in range(len(headers) - 1, 0, -1):
                shorter = PrecompiledHeader(headers[:length])
                if shorter.directory in self._held_headers:
                    return shorter
            return None
        store = self.header_store
        assert store is not None and runner.precompile is not None
        version = store.version(self.image, runner.language, lambda: self._compiler_version(runner))
        key = build_key(
            f"{runner.language} header, zlib",
            version,
            list(runner.precompile),
            runner.env,
            {HEADER_NAME: header.text},
        )
        made, _ = store.lookup_or_make(key, lambda: self._make_header(runner, header))
        if made.failed:
            return None
        self._hold_header(header, made)
        return header

    # -- seeded build caches -----------------------------------------------------------------
    def _seed_build_cache(self, runner: Runner) -> None:
        """Before this worker's first compile of ``runner``'s language, hand its supervisor
        the build cache the language's seed program leaves (made once per toolchain by the
        first worker that needs it, kept across runs): without it each worker compiles
        what programs import on its own (Go: the standard library and testify, ~13 CPU s).

        Only the sandbox's own seed is ever compiled into a kept cache, and only by a worker
        whose cache is still empty: no job's compile reaches it."""
        if runner.language in self._seeded:
            return
        self._seeded.add(runner.language)
        store = self.seed_store
        assert store is not None and runner.seed is not None and runner.cache is not None
        version = store.version(self.image, runner.language, lambda: self._compiler_version(runner))
        argv = runner.compile_argv(runner.seed)
        assert argv is not None
        key = build_key(
            f"{runner.language} build cache seed, zlib",
            version,
            argv,
            runner.env,
            {runner.source_name(runner.seed): runner.seed},
        )
        seed, made_here = store.lookup_or_make(key, lambda: self._make_seed(runner, argv))
        # The worker that made it already holds what its compile left.
        if not made_here and not seed.failed:
            self.channel.request(
                {"op": "hold", "dir": runner.cache, "blobs": seed.blobs()}, CHANNEL_GRACE_S
            )

    def _make_seed(self, runner: Runner, argv: list[str]) -> tuple[Build, bool]:
        """Compile the seed program with the (still empty) build cache and take the cache
        back, zlib-compressed as a hold takes it: (build, cacheable)."""
        assert runner.seed is not None and runner.cache is not None
        written = {runner.source_name(runner.seed): runner.seed}
        _, seen = self._own_exec(runner, argv, "seed", written, SEED_TIME_S, runner.cache)
        output = tail(seen["stderr"] + seen["stdout"])
        if seen["timed_out"] or seen["exit_code"] != 0:
            cacheable = seen["exit_code"] > 0 and not seen["oom_killed"]
            return Build(output=output, compile_s=seen["wall_s"], failed=True), cacheable
        held = self.channel.request({"op": "held", "dir": runner.cache}, CHANNEL_GRACE_S)
        return Build.from_sealed(held["blobs"], set(), output, seen["wall_s"]), True

    def _warm_compiler_build(self, runner: Runner) -> Build:
        """The language's warm compiler, built from its sources (``Runner.warm_build``):
        made once per toolchain by the first compile worker that needs it and kept across
        runs in the seed store, like a seeded build cache. Each compile writes it beside
        the program (the write empties the compiler's work dir); a failed build leaves the
        language's compiles to the command."""
        built = self._warm_builds.get(runner.language)
        if built is not None:
            return built
        store = self.seed_store
        assert runner.warm_build is not None and store is not None
        argv = list(runner.warm_build)
        version = store.version(self.image, runner.language, lambda: self._compiler_version(runner))
        key = build_key(
            f"{runner.language} warm compiler", version, argv, runner.env, runner.warm_files
        )
        built, _ = store.lookup_or_make(key, lambda: self._make_warm_compiler(runner, argv))
        if built.failed:
            log.warning(
                "%s: the warm compiler did not build; compiling with the command: %s",
                runner.language,
                built.output,
            )
        self._warm_builds[runner.language] = built
        return built

    def _make_warm_compiler(self, runner: Runner, argv: list[str]) -> tuple[Build, bool]:
        """Build the warm compiler from ``runner.warm_files``: (build, cacheable); a failed
        build is not kept, so the next sandbox tries again."""
        built, _ = self._own_build(runner, argv, "warmbuild", dict(runner.warm_files), SEED_TIME_S)
        return built, not built.failed

    def _make_header(self, runner: Runner, header: PrecompiledHeader) -> tuple[Build, bool]:
        """Compile the header file (the sandbox's text, no program's) into its PCH:
        (build, cacheable). A compile that says anything fails: its PCH is not used."""
        assert runner.precompile is not None
        made, cacheable = self._own_build(
            runner,
            list(runner.precompile),
            "pch",
            {HEADER_NAME: header.text},
            HEADER_TIME_S,
            silent=True,
        )
        if made.failed:
            return made, cacheable
        return packed(header, made), True

    def _own_build(
        self,
        runner: Runner,
        argv: list[str],
        name: str,
        files: dict[str, str],
        time_s: float,
        *,
        silent: bool = False,
    ) -> tuple[Build, bool]:
        """Run a build of the sandbox's own (a PCH, a warm compiler; never a job's) in a
        scratch work dir and take back what it made: (build, cacheable). A build that fails,
        or with ``silent`` says anything, is a failed build; it is cacheable when the
        compiler itself said no (not a deadline, not the memory limit)."""
        workdir, seen = self._own_exec(runner, argv, name, files, time_s)
        output = tail(seen["stderr"] + seen["stdout"])
        if seen["timed_out"] or seen["exit_code"] != 0 or (silent and output):
            cacheable = seen["exit_code"] > 0 and not seen["oom_killed"]
            return Build(output=output, compile_s=seen["wall_s"], failed=True), cacheable
        sealed = self.channel.request(
            {"op": "seal", "dir": workdir, "return": True}, CHANNEL_GRACE_S
        )
        return Build.from_sealed(sealed["sealed"], set(files), output, seen["wall_s"]), True

    def _hold_header(self, header: PrecompiledHeader, made: Build) -> None:
        """Give this worker's supervisor the PCH (and the header file beside it) as a
        build cache of its own directory: restored for the compilations that use it,
        never on disk while a program runs."""
        self.channel.request(
            {"op": "hold", "dir": header.directory, "blobs": made.blobs()}, CHANNEL_GRACE_S
        )
        self._held_headers.add(header.directory)

    def _test_build(
        self,
        build: Build,
        runner: Runner,
        program: Program,
        tests: Sequence[TestCase],
        limits: Limits,
        comparison: Comparison,
        workdir: str,
    ) -> RunResult:
        """Run the tests against a cached build, written into the work dir with the source."""
        if build.failed:
            return self._result(Status.COMPILE_ERROR, (), build.compile_s, build.output)
        self.channel.request({"op": "seal", "dir": workdir}, CHANNEL_GRACE_S)
        return self._run_tests(
            runner, program, tests, limits, comparison, workdir, build.compile_s, build.output
        )

    def _cache_key(self, runner: Runner, program: Program, files: dict[str, str]) -> str | None:
        """The compile cache key of this program, or None when nothing is to be cached."""
        argv = runner.compile_argv(program.source)
        if self.compile_cache is None or argv is None or runner.version is None:
            return None
        version = self.compile_cache.version(
            self.image, runner.language, lambda: self._compiler_version(runner)
        )
        return build_key(runner.language, version, argv, runner.env, files)

    def _own_exec(
        self,
        runner: Runner,
        argv: list[str],
        name: str,
        files: dict[str, str],
        time_s: float,
        cache: str | None = None,
    ) -> tuple[str, dict]:
        """Run a command of the sandbox's own (a version probe, a PCH or a seed compile,
        never a job's) in a scratch work dir of its own, under its own time limit and a
        compiler's memory: (work dir, what it did)."""
        workdir = f"{name}{next(self._jobs)}"
        self.channel.request({"op": "write", "dir": workdir, "files": files}, CHANNEL_GRACE_S)
        seen = self._exec(
            runner,
            argv,
            workdir,
            "",
            time_s=time_s,
            memory_mb=COMPILE_MEMORY_MB,
            output_bytes=COMPILE_OUTPUT_BYTES,
            pids=256,
            cache=cache,
        )
        return workdir, seen

    def _compiler_version(self, runner: Runner) -> str:
        """What the compiler says its version is (in a scratch work dir of its own)."""
        assert runner.version is not None
        _, seen = self._own_exec(runner, list(runner.version), "probe", {}, VERSION_TIME_S)
        if seen["exit_code"] != 0 or seen["timed_out"]:
            raise WorkerError(
                f"{runner.version[0]} does not tell its version: {tail(seen['stderr'])}"
            )
        return seen["stdout"] + seen["stderr"]

    def _run_tests(
        self,
        runner: Runner,
        program: Program,
        tests: Sequence[TestCase],
        limits: Limits,
        comparison: Comparison,
        workdir: str,
        compile_s: float,
        compile_output: str,
    ) -> RunResult:
        outcomes: list[TestOutcome] = []
        for test in tests:
            outcome = self._run_test(runner, program, test, limits, comparison, workdir)
            outcomes.append(outcome)
            if outcome.status in _RESOURCE_VERDICTS:
                break
        failed = next((o.status for o in outcomes if o.status is not Status.OK), Status.OK)
        return self._result(failed, tuple(outcomes), compile_s, compile_output)

    def _result(
        self, status: Status, tests: tuple[TestOutcome, ...], compile_s: float, output: str
    ) -> RunResult:
        return RunResult(
            status=status,
            tests=tests,
            compile_s=compile_s,
            compile_output=output,
            backend=self.backend,
            image=self.image,
        )

    # -- one test --------------------------------------------------------------------------
    def _run_test(
        self,
        runner: Runner,
        program: Program,
        test: TestCase,
        limits: Limits,
        comparison: Comparison,
        workdir: str,
    ) -> TestOutcome:
        argv = runner.run_argv(program.source)
        seen = self._exec(
            runner,
            argv,
            workdir,
            test.stdin,
            time_s=limits.time_s,
            memory_mb=limits.memory_mb,
            output_bytes=limits.output_kb * 1024,
            pids=limits.pids,
            fresh=True,
        )
        status = classify(
            Observation(
                exit_code=seen["exit_code"],
                timed_out=seen["timed_out"],
                output_limited=seen["output_limited"],
                oom_killed=seen["oom_killed"],
                stdout=seen["stdout"],
                stderr=seen["stderr"],
            ),
            test,
            comparison,
            runner.memory_markers,
        )
        instructions = None
        if self.count_instructions and status is Status.OK:
            counted = self._exec(
                runner,
                argv,
                workdir,
                test.stdin,
                time_s=limits.time_s * VALGRIND_SLOWDOWN + 10,
                memory_mb=limits.memory_mb * 4,
                output_bytes=limits.output_kb * 1024,
                pids=limits.pids,
                count_instructions=True,
                fresh=True,
            )
            instructions = counted.get("instructions")
        return TestOutcome(
            status=status,
            exit_code=seen["exit_code"],
            wall_s=seen["wall_s"],
            cpu_s=seen["cpu_s"],
            peak_memory_kb=seen["peak_memory_kb"],
            instructions=instructions,
            stdout_tail=tail(seen["stdout"]),
            stderr_tail=tail(seen["stderr"]),
        )

    def _exec(
        self,
        runner: Runner,
        argv: list[str],
        workdir: str,
        stdin: str,
        *,
        time_s: float,
        memory_mb: int,
        output_bytes: int,
        pids: int,
        count_instructions: bool = False,
        cache: str | None = None,
        fresh: bool = False,
        ask: list[str] | None = None,
    ) -> dict:
        """Run one process in the supervisor, measured by the cgroup where we can arm it.

        ``fresh`` (every test) starts it from the sealed work dir with every writable place
        emptied; ``cache`` (a compiler's build cache) is there for this process only."""
        resting = oom_before = cache_before = None
        if self.cgroup is not None:
            # The pids limit of the job is its RLIMIT_NPROC (the worker's uid is its own);
            # the cgroup's is a backstop with headroom for the supervisor's own threads, so
            # a fork bomb never starves the Go runtime of the thread it may need.
            resting = self.cgroup.arm(memory_mb * MIB, pids + SUPERVISOR_PIDS)
            if resting is not None:
                oom_before = self.cgroup.oom_kills()
                cache_before = self.cgroup.file_cache_bytes()
        request = {
            "op": "exec",
            "dir": workdir,
            "argv": argv,
            "env": runner.environment(self._home),
            "stdin": stdin,
            "time_s": time_s,
            "output_bytes": output_bytes,
            "count_instructions": count_instructions,
            "nproc": pids,
        }
        if cache is not None:
            request["cache"] = cache
        if fresh:
            request["fresh"] = True
        if ask is not None:
            request["ask"] = ask
        if resting is None and runner.address_space_limit:
            # No cgroup we can arm: RLIMIT_AS is the only memory limit left.
            request["address_space_bytes"] = memory_mb * MIB
        seen = self.channel.request(request, time_s + CHANNEL_GRACE_S)
        seen["oom_killed"] = False
        seen["peak_memory_kb"] = seen["maxrss_kb"]
        if self.cgroup is not None and resting is not None:
            try:
                # Page cache of files read for the first time (the runtime's own binary
                # on a cold machine) is charged here but is not the program's memory.
                cached = max(0, self.cgroup.file_cache_bytes() - (cache_before or 0))
                seen["peak_memory_kb"] = max(0, self.cgroup.peak_bytes() - resting - cached) // 1024
                seen["oom_killed"] = self.cgroup.oom_kills() > (oom_before or 0)
            except OSError:
                pass
        return seen
